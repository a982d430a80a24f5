package io.chargeflow.app;

import io.chargeflow.subscriber.cli.SubscriberCommands;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The subscriber directory's commands: import, list, bindings, and the RADIUS accounting listener. */
final class SubscribersCommand {
    private SubscribersCommand() {}

    @Command(
            name = "subscribers",
            mixinStandardHelpOptions = true,
            description = "The subscriber directory.",
            subcommands = {Import.class, ListAll.class})
    static final class Group {}

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Import subscribers and static bindings from CSV (all or nothing; errors name the line).")
    static final class Import implements Callable<Integer> {
        @Mixin
        DatabaseMixin database = new DatabaseMixin();

        @Parameters(
                paramLabel = "FILE.csv",
                description = "Header: imsi,msisdn,account,plan,status,address,valid_from,valid_until")
        Path csv;

        @Override
        public Integer call() {
            return SubscriberCommands.importSubscribers(database.options(), csv, System.out, System.err);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List subscribers.")
    static final class ListAll implements Callable<Integer> {
        @Mixin
        DatabaseMixin database = new DatabaseMixin();

        @Override
        public Integer call() {
            return SubscriberCommands.listSubscribers(database.options(), System.out, System.err);
        }
    }

    @Command(
            name = "bindings",
            mixinStandardHelpOptions = true,
            description = "IP bindings over time.",
            subcommands = {Show.class})
    static final class Bindings {}

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Who held an address (or IPv6 prefix) at a time: subscriber id, IMSI, MSISDN, validity.")
    static final class Show implements Callable<Integer> {
        @Mixin
        DatabaseMixin database = new DatabaseMixin();

        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Option(names = "--at", paramLabel = "TIME", description = "ISO-8601 instant or epoch ms (default: now).")
        String at;

        @Override
        public Integer call() {
            return SubscriberCommands.showBinding(database.options(), address, at, System.out, System.err);
        }
    }

    @Command(
            name = "radius",
            mixinStandardHelpOptions = true,
            description = "RADIUS accounting.",
            subcommands = {Serve.class})
    static final class Radius {}

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = "Run the RADIUS accounting listener (RFC 2866) until SIGTERM; bindings go to the database.")
    static final class Serve implements Callable<Integer> {
        @Mixin
        DatabaseMixin database = new DatabaseMixin();

        @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Default: 127.0.0.1:1813.")
        String listen = "127.0.0.1:1813";

        @Option(names = "--client", paramLabel = "ADDRESS=SECRET", description = "A NAS and its secret; repeatable.")
        List<String> clients = new ArrayList<>();

        @Option(
                names = "--metrics",
                paramLabel = "HOST:PORT",
                description = "Serve the listener's counters for Prometheus on http://HOST:PORT/metrics (requests"
                        + " answered, retransmissions, requests naming no subscriber, drops by reason, the JVM's).")
        String metrics;

        @Override
        public Integer call() throws java.io.IOException {
            MeterMetrics served = metrics == null ? null : MeterMetrics.start(metrics);
            try {
                if (served != null) {
                    System.err.printf("chargeflow radius serve: metrics on port %d (/metrics)%n", served.port());
                }
                return SubscriberCommands.serveRadius(
                        database.options(),
                        listen,
                        clients,
                        true,
                        server -> {
                            if (served != null) {
                                served.attach(server);
                            }
                        },
                        System.out,
                        System.err);
            } finally {
                if (served != null) {
                    served.close();
                }
            }
        }
    }
}
