/**
 * The charging data record model after 3GPP TS 32.298 (PGW-CDR), its compact versioned binary encoding, and the
 * {@link io.chargeflow.cdr.CdrAssembler} that turns a session's usage containers into a gap-free chain of partial and
 * final records. The ASN.1 BER encoding comes later, so names stay close to the specification.
 */
package io.chargeflow.cdr;
