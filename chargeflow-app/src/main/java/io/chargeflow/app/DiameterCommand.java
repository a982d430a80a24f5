package io.chargeflow.app;

import io.chargeflow.diameter.tool.DiameterProbe;
import io.chargeflow.diameter.tool.ProbeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chargeflow diameter probe HOST:PORT}: capabilities exchange, a watchdog and a clean disconnect. */
@Command(
        name = "diameter",
        mixinStandardHelpOptions = true,
        description = "Diameter tools.",
        subcommands = {DiameterCommand.Probe.class})
final class DiameterCommand {

    @Command(
            name = "probe",
            mixinStandardHelpOptions = true,
            description = "Connect, exchange CER/CEA, send a DWR, print the peer's capabilities and round-trip times,"
                    + " disconnect with DPR/DPA; exit non-zero with one line when a step fails.")
    static final class Probe implements Callable<Integer> {
        @Parameters(paramLabel = "HOST:PORT", description = "The peer (port 3868 for TCP, 5658 for TLS).")
        String target;

        @Option(names = "--origin-host", paramLabel = "H", required = true, description = "Our Origin-Host.")
        String originHost;

        @Option(names = "--origin-realm", paramLabel = "R", required = true, description = "Our Origin-Realm.")
        String originRealm;

        @Option(names = "--tls", description = "TLS from the first byte (RFC 6733 section 13).")
        boolean tls;

        @Option(names = "--trust-store", paramLabel = "FILE", description = "PKCS#12 trust store for the peer.")
        Path trustStore;

        @Option(names = "--trust-store-password", paramLabel = "PASSWORD", description = "Its password.")
        String trustStorePassword;

        @Option(names = "--insecure", description = "Accept any certificate (tests only).")
        boolean insecure;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "Timeout of each step (default: 3s).")
        Duration timeout = Duration.ofSeconds(3);

        @Override
        public Integer call() {
            int colon = target.lastIndexOf(':');
            if (colon <= 0 || colon == target.length() - 1) {
                throw new UserException("HOST:PORT=" + target + " has no port");
            }
            String host = target.substring(0, colon).replace("[", "").replace("]", "");
            int port;
            try {
                port = Integer.parseInt(target.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new UserException("HOST:PORT=" + target + " has a non-numeric port");
            }
            ProbeOptions options = ProbeOptions.of(host, port, originHost, originRealm)
                    .withTimeouts((int) timeout.toMillis(), timeout.toMillis());
            if (tls) {
                options = options.withTls(
                        trustStore, trustStorePassword == null ? null : trustStorePassword.toCharArray(), insecure);
            }
            return new DiameterProbe(options).run(System.out, System.err);
        }
    }
}
