package io.chargeflow.cdr;

/**
 * Where a {@link CdrAssembler} hands each cut record. Called on the assembler's (processor's) thread; an
 * implementation must not block for long: the journal's implementation only enqueues to the writer thread.
 */
@FunctionalInterface
public interface CdrSink {
    void onCdr(PgwRecord cdr);

    /**
     * Hands on what the sink holds back (the journal's sink batches encoded records): the assembler's owner calls it
     * when it has no more records for now, at the end of each duty cycle and before it stops.
     */
    default void flush() {}
}
