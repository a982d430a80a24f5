package io.chargeflow.cdr;

/**
 * Where a {@link CdrAssembler} hands each cut record. Called on the assembler's (processor's) thread; an
 * implementation must not block for long: the journal's implementation only enqueues to the writer thread.
 */
@FunctionalInterface
public interface CdrSink {
    void onCdr(PgwRecord cdr);
}
