package io.chargeflow.app;

import io.chargeflow.charging.rating.BillRun;
import io.chargeflow.charging.rating.Biller;
import io.chargeflow.charging.rating.Tariffs;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chargeflow bill}: rates the CDRs of a period by each subscriber's plan and writes per-subscriber bills. */
@Command(
        name = "bill",
        mixinStandardHelpOptions = true,
        description = "Rate a CDR journal's records of [--from, --to) and print and write per-subscriber bills.")
final class BillCommand implements Callable<Integer> {
    @Option(names = "--journal", paramLabel = "DIR", required = true, description = "The CDR journal.")
    Path journal;

    @Option(names = "--tariffs", paramLabel = "FILE", required = true, description = "The tariff plans.")
    Path tariffs;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            required = true,
            description = "Period start, inclusive: 2026-01-01 or 2026-01-01T00:00:00Z.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", required = true, description = "Period end, exclusive.")
    String to;

    @Option(names = "--out", paramLabel = "DIR", description = "Where bills and the rated journal go (default: bills).")
    Path out = Path.of("bills");

    @Override
    public Integer call() {
        MeterRun.checkReadable(tariffs, "tariff");
        Tariffs plans = Tariffs.load(tariffs);
        BillRun run = Biller.bill(journal, plans, instant("from", from), instant("to", to), out, System.out);
        System.out.flush();
        return run.exitCode();
    }

    static Instant instant(String name, String text) {
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UserException(
                    "--" + name + "=" + text + " is not a date (2026-01-01) or an instant " + "(2026-01-01T00:00:00Z)");
        }
    }
}
