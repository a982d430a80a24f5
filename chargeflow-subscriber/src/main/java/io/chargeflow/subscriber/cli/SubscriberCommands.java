package io.chargeflow.subscriber.cli;

import io.chargeflow.subscriber.BindingAnswer;
import io.chargeflow.subscriber.BindingKey;
import io.chargeflow.subscriber.CsvImportException;
import io.chargeflow.subscriber.StoreUnavailableException;
import io.chargeflow.subscriber.SubscriberRecord;
import io.chargeflow.subscriber.SubscriberStore;
import io.chargeflow.subscriber.radius.RadiusAccountingServer;
import io.chargeflow.subscriber.radius.RadiusContext;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The subscriber commands behind {@code chargeflow subscribers import|list}, {@code chargeflow bindings show} and
 * {@code chargeflow radius serve}: plain methods taking options and the output streams, returning the exit code, so
 * the app's picocli wrappers stay one line each. Run on the CLI's main thread.
 *
 * <p>Exit codes: {@link #OK} 0; {@link #NOT_FOUND} 1 (bad CSV, no binding); {@link #USAGE} 2 (bad option value);
 * {@link #UNAVAILABLE} 3 (database unreachable or unusable).
 */
public final class SubscriberCommands {
    /** Success. */
    public static final int OK = 0;
    /** The data was rejected or the answer is "nothing". */
    public static final int NOT_FOUND = 1;
    /** An option value is wrong. */
    public static final int USAGE = 2;
    /** The database could not be used. */
    public static final int UNAVAILABLE = 3;

    private SubscriberCommands() {}

    /** {@code subscribers import FILE.csv}: all or nothing; prints counts, or the bad line and reason. */
    public static int importSubscribers(DatabaseOptions db, Path csv, PrintStream out, PrintStream err) {
        if (!Files.isReadable(csv)) {
            err.println("cannot read " + csv);
            return USAGE;
        }
        try (SubscriberStore store = open(db);
                Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            SubscriberStore.ImportResult result = store.importCsv(reader, System.currentTimeMillis());
            out.printf(
                    "imported %s: %d subscribers created, %d updated, %d plans created, %d bindings created%n",
                    csv,
                    result.subscribersCreated(),
                    result.subscribersUpdated(),
                    result.plansCreated(),
                    result.bindingsCreated());
            return OK;
        } catch (CsvImportException e) {
            err.println(csv + ": line " + e.line() + ": " + e.reason() + " (nothing imported)");
            return NOT_FOUND;
        } catch (IOException e) {
            err.println("cannot read " + csv + ": " + e.getMessage());
            return USAGE;
        } catch (StoreUnavailableException e) {
            err.println(e.getMessage());
            return UNAVAILABLE;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        }
    }

    /** {@code subscribers list}: one line per subscriber, CSV with a header. */
    public static int listSubscribers(DatabaseOptions db, PrintStream out, PrintStream err) {
        try (SubscriberStore store = open(db)) {
            List<SubscriberRecord> all = store.listSubscribers();
            out.println("id,imsi,msisdn,account,plan,status,created");
            for (SubscriberRecord s : all) {
                out.println(s.subscriberId() + "," + blank(s.imsi()) + "," + blank(s.msisdn()) + ","
                        + blank(s.account()) + "," + blank(s.plan()) + "," + s.status() + ","
                        + Instant.ofEpochMilli(s.createdMs()));
            }
            return OK;
        } catch (StoreUnavailableException e) {
            err.println(e.getMessage());
            return UNAVAILABLE;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        }
    }

    /**
     * {@code bindings show ADDRESS [--at TIME]}: the holder's subscriber id, IMSI, MSISDN and the binding's validity.
     *
     * @param at an ISO-8601 instant or epoch milliseconds, or null for now
     */
    public static int showBinding(DatabaseOptions db, String address, String at, PrintStream out, PrintStream err) {
        BindingKey key;
        long atMs;
        try {
            key = BindingKey.parse(address, 64);
            atMs = at == null ? System.currentTimeMillis() : parseTime(at);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        try (SubscriberStore store = open(db)) {
            BindingAnswer answer = store.bindingAt(key, atMs);
            String when = Instant.ofEpochMilli(atMs).toString();
            if (answer.subscriber() == null) {
                out.println(key + " had no subscriber at " + when + " (unbound from " + time(answer.validFromMs())
                        + " until " + time(answer.validUntilMs()) + ")");
                return NOT_FOUND;
            }
            SubscriberRecord s = answer.subscriber();
            out.println(key + " at " + when + ": subscriber=" + s.subscriberId() + " imsi=" + blank(s.imsi())
                    + " msisdn=" + blank(s.msisdn()) + " account=" + blank(s.account()) + " valid_from="
                    + time(answer.validFromMs()) + " valid_until=" + time(answer.validUntilMs()) + " source="
                    + answer.binding().source()
                    + (answer.binding().nas() == null
                            ? ""
                            : " nas=" + answer.binding().nas()));
            return OK;
        } catch (StoreUnavailableException e) {
            err.println(e.getMessage());
            return UNAVAILABLE;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        }
    }

    /**
     * {@code radius serve --listen HOST:PORT --client ADDRESS=SECRET...}: runs the listener until the JVM is asked
     * to stop (SIGTERM, Ctrl-C), then stores what is queued, closes cleanly and returns. Blocks.
     */
    public static int serveRadius(
            DatabaseOptions db, String listen, List<String> clients, PrintStream out, PrintStream err) {
        return serveRadius(db, listen, clients, true, out, err);
    }

    /**
     * {@code radius serve} with the choice whether a Start for an unknown IMSI/MSISDN/User-Name creates the
     * subscriber ({@code --create-subscribers}, default true) or is answered without binding anything.
     */
    public static int serveRadius(
            DatabaseOptions db,
            String listen,
            List<String> clients,
            boolean createUnknownSubscribers,
            PrintStream out,
            PrintStream err) {
        return serveRadius(db, listen, clients, createUnknownSubscribers, server -> {}, out, err);
    }

    /** As above; {@code started} is told the listener once it listens (metrics read its counters). */
    public static int serveRadius(
            DatabaseOptions db,
            String listen,
            List<String> clients,
            boolean createUnknownSubscribers,
            java.util.function.Consumer<RadiusAccountingServer> started,
            PrintStream out,
            PrintStream err) {
        RadiusContext context = new RadiusContext().createUnknownSubscribers(createUnknownSubscribers);
        try {
            context.listen(RadiusContext.parseListen(listen == null ? "127.0.0.1:1813" : listen));
            for (String client : clients) {
                context.client(client);
            }
            if (clients.isEmpty()) {
                throw new IllegalArgumentException("--client ADDRESS=SECRET is required (repeatable)");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (SubscriberStore store = open(db)) {
            RadiusAccountingServer server = RadiusAccountingServer.start(store, context);
            try {
                started.accept(server);
                awaitSigterm(server, store, stopped, out);
            } finally {
                // answers what is queued and closes the socket before the store's pool goes away
                server.close();
            }
            out.println("stopped: " + server.answered() + " requests answered, " + server.retransmissionsAnswered()
                    + " retransmissions answered, drops " + server.dropCounts());
            return OK;
        } catch (IOException e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (StoreUnavailableException e) {
            err.println(e.getMessage());
            return UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OK;
        } finally {
            stopped.countDown();
        }
    }

    /** Blocks until a shutdown hook fires; the hook then keeps the JVM alive until {@code stopped} opens. */
    private static void awaitSigterm(
            RadiusAccountingServer server, SubscriberStore store, CountDownLatch stopped, PrintStream out)
            throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        // keep the JVM alive until the server has answered what it stored and closed
                        stopped.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "chargeflow-radius-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("RADIUS accounting listening on " + server.localAddress() + " (database " + store.jdbcUrl()
                + "); SIGTERM stops it");
        out.flush();
        stop.await();
    }

    private static SubscriberStore open(DatabaseOptions db) {
        return SubscriberStore.open((db == null ? DatabaseOptions.defaults() : db).toContext());
    }

    /** An ISO-8601 instant or epoch milliseconds. */
    static long parseTime(String text) {
        String t = text.strip();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(t);
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("at=" + text + " must be ISO-8601 (2026-11-22T08:00:00Z) or ms", e);
        }
    }

    private static String time(long ms) {
        if (ms == Long.MAX_VALUE) {
            return "open";
        }
        if (ms == Long.MIN_VALUE) {
            return "ever";
        }
        return Instant.ofEpochMilli(ms).toString();
    }

    private static String blank(String s) {
        return s == null ? "" : s;
    }
}
