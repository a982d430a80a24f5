package io.chargeflow.charging.rating;

import io.chargeflow.cdr.journal.JournalDamage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one {@link Biller#bill} run. Immutable.
 *
 * @param billedCdrs CDRs rated and billed in the period
 * @param allowanceOnlyCdrs CDRs before the period but in its first allowance period (rated to use up allowances,
 *     not billed)
 * @param problems what could not be rated or priced, by reason
 * @param subscribers subscribers billed
 * @param total the sum of all bills
 * @param damages journal damage met (the run stops there; bills cover the good records before it)
 * @param files the files written
 */
public record BillRun(
        long billedCdrs,
        long allowanceOnlyCdrs,
        Map<String, Long> problems,
        int subscribers,
        Money total,
        List<JournalDamage> damages,
        List<Path> files) {

    /** 0 when clean, 1 when the journal was damaged or something could not be rated. */
    public int exitCode() {
        return damages.isEmpty() && problems.isEmpty() ? 0 : 1;
    }
}
