package io.chargeflow.app;

import io.chargeflow.flow.FlowEngine;
import io.chargeflow.flow.FlowManager;
import io.chargeflow.flow.Processor;
import io.chargeflow.packet.LiveSource;
import io.chargeflow.packet.MalformedReason;
import io.chargeflow.subscriber.radius.RadiusAccountingServer;
import io.chargeflow.subscriber.radius.RadiusDropReason;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * A meter run's metrics for Prometheus ({@code meter --metrics HOST:PORT}): {@code /metrics} in the text exposition
 * format, read at each scrape from the counters the reader and the processors keep anyway, so the packet path does
 * no work for them (plain fields read without locks, as {@link LiveStatus} reads them: approximate while the run goes
 * on, exact in the summary at its end), plus the JVM's own (heap, GC, threads). The server is bound before the run
 * starts (a port in use fails the command at once) and closed after the outputs are written; until the engine runs,
 * only the JVM's metrics are there. Prometheus' Java client serves it (client_java: the registry, the callback metrics
 * and the JDK-based HTTP server), so nothing of the format is written here.
 */
final class MeterMetrics implements AutoCloseable {
    private final HTTPServer server;
    private volatile FlowEngine engine;
    private volatile LiveSource live;
    private volatile LongSupplier cdrsDurable;
    private volatile Directory directory;
    /** A RADIUS listener served on its own ({@code radius serve --metrics}), without a meter run. */
    private volatile RadiusAccountingServer standaloneRadius;

    private MeterMetrics(String host, int port) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        register(registry);
        registerDirectory(registry);
        try {
            server = HTTPServer.builder()
                    .hostname(host)
                    .port(port)
                    .registry(registry)
                    .buildAndStart();
        } catch (IOException e) {
            throw new UserException("--metrics " + host + ":" + port + ": cannot listen: " + e.getMessage());
        }
    }

    /** Listens on {@code listen} ({@code HOST:PORT}, {@code [IPv6]:PORT} or {@code PORT} for every address). */
    static MeterMetrics start(String listen) throws IOException {
        String host;
        String portText;
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            host = "0.0.0.0";
            portText = listen;
        } else {
            host = listen.substring(0, colon);
            portText = listen.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
        }
        int port;
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535 || host.isBlank()) {
            throw new UserException("--metrics=" + listen + " must be HOST:PORT (PORT 0..65535; 0 picks a free one)");
        }
        return new MeterMetrics(host, port);
    }

    /** The port it listens on (the one picked, when asked for port 0). */
    int port() {
        return server.getPort();
    }

    /** The run's engine, once it runs; {@code source} the live capture (null for files); the journal's count. */
    void attach(FlowEngine running, LiveSource source, LongSupplier durable) {
        attach(running, source, durable, null);
    }

    /** A RADIUS listener running on its own ({@code radius serve}): its counters are served, with the JVM's. */
    void attach(RadiusAccountingServer radius) {
        standaloneRadius = radius;
    }

    /** As above, with the run's subscriber directory (null without one), and its RADIUS listener if it has one. */
    void attach(FlowEngine running, LiveSource source, LongSupplier durable, Directory subscribers) {
        live = source;
        cdrsDurable = durable;
        directory = subscribers;
        engine = running;
    }

    private void register(PrometheusRegistry r) {
        counter(r, "chargeflow_frames", "Frames read (files or live).", null, cb -> cb.call(flow().frames()));
        counter(
                r,
                "chargeflow_frame_bytes",
                "Bytes of the frames read, as on the wire.",
                null,
                cb -> cb.call(flow().frameBytes()));
        counter(
                r,
                "chargeflow_charged_packets",
                "Packets charged to a subscriber, by direction (a packet charged to both ends counts in each).",
                "direction",
                cb -> {
                    cb.call(flow().uplinkRecords(), "uplink");
                    cb.call(flow().downlinkRecords(), "downlink");
                });
        counter(r, "chargeflow_charged_bytes", "IP bytes charged to a subscriber, by direction.", "direction", cb -> {
            cb.call(flow().uplinkBytes(), "uplink");
            cb.call(flow().downlinkBytes(), "downlink");
        });
        counter(
                r,
                "chargeflow_unclassified_packets",
                "Packets no side rule matched (not charged).",
                null,
                cb -> cb.call(flow().unclassifiedPackets()));
        counter(
                r,
                "chargeflow_other_direction_frames",
                "Frames of a file skipped for their direction (--direction).",
                null,
                cb -> cb.call(flow().otherDirectionFrames()));
        counter(
                r,
                "chargeflow_peer_to_peer_records",
                "Records of packets between two subscribers.",
                null,
                cb -> cb.call(flow().peerToPeerPackets()));
        counter(
                r,
                "chargeflow_reader_backpressure_waits",
                "Times the reader waited for a processor's full ring (nothing is dropped).",
                null,
                cb -> cb.call(flow().backpressureWaits()));
        counter(
                r,
                "chargeflow_malformed_frames",
                "Frames that could not be decoded, by reason (never charged).",
                "reason",
                cb -> {
                    for (MalformedReason reason : MalformedReason.values()) {
                        if (reason != MalformedReason.NONE) {
                            cb.call(flow().malformed(reason), reason.label());
                        }
                    }
                });
        gauge(r, "chargeflow_sessions_open", "Sessions open now.", null, cb -> cb.call(sum(Processor::openSessions)));
        counter(
                r,
                "chargeflow_sessions_closed",
                "Sessions closed (idle, binding change, end of input...).",
                null,
                cb -> cb.call(sum(Processor::sessionsClosed)));
        counter(r, "chargeflow_processor_records", "Records each processor metered.", "processor", cb -> {
            for (Processor p : engine.processors()) {
                cb.call(p.records(), Integer.toString(p.id()));
            }
        });
        counter(r, "chargeflow_cdrs_durable", "CDRs written and fsynced to the journal in this run.", null, cb -> {
            LongSupplier durable = cdrsDurable;
            if (durable != null) {
                cb.call(durable.getAsLong());
            }
        });
        counter(
                r,
                "chargeflow_capture_frames",
                "Frames captured live, by interface.",
                "interface",
                cb -> forEachInterface((source, i) -> cb.call(source.frames(i), source.interfaceName(i))));
        counter(
                r,
                "chargeflow_capture_kernel_drops",
                "Frames the kernel dropped (its buffer was full), by interface; refreshed once a second.",
                "interface",
                cb -> forEachInterface((source, i) -> cb.call(source.recentDrops(i), source.interfaceName(i))));
        gauge(
                r,
                "chargeflow_capture_up",
                "1 while the capture of the interface runs, 0 while it is down (it disappeared).",
                "interface",
                cb -> forEachInterface(
                        (source, i) -> cb.call(source.failure(i) == null ? 1 : 0, source.interfaceName(i))));
    }

    private void registerDirectory(PrometheusRegistry r) {
        gauge(
                r,
                "chargeflow_directory_bindings_preloaded",
                "Bindings loaded from the subscriber database at the start.",
                null,
                cb -> {
                    Directory d = directory;
                    if (d != null) {
                        cb.call(d.preloaded());
                    }
                });
        counter(
                r,
                "chargeflow_directory_lookups",
                "Subscriber lookups by address, answered from the cache or the database.",
                "from",
                cb -> {
                    Directory d = directory;
                    if (d != null) {
                        cb.call(d.resolver().cacheHits(), "cache");
                        cb.call(d.resolver().cacheMisses(), "database");
                    }
                });
        radiusCounter(
                r,
                "chargeflow_radius_requests_answered",
                "RADIUS accounting requests stored and answered (first answers).",
                RadiusAccountingServer::answered);
        radiusCounter(
                r,
                "chargeflow_radius_retransmissions_answered",
                "RADIUS retransmissions answered again from the recent responses.",
                RadiusAccountingServer::retransmissionsAnswered);
        radiusCounter(
                r,
                "chargeflow_radius_requests_without_subscriber",
                "RADIUS Start/Interim requests that named no known subscriber (answered, nothing bound).",
                RadiusAccountingServer::requestsWithoutSubscriber);
        radiusCounter(r, "chargeflow_radius_dropped", "RADIUS datagrams not answered, by reason.", "reason", cb -> {
            RadiusAccountingServer radius = radius();
            for (RadiusDropReason reason : RadiusDropReason.values()) {
                cb.call(radius.dropped(reason), reason.name().toLowerCase(java.util.Locale.ROOT));
            }
        });
    }

    /** A counter read while the engine runs (no samples before), with one label or none. */
    private void counter(
            PrometheusRegistry r,
            String name,
            String help,
            String label,
            Consumer<CounterWithCallback.Callback> values) {
        counter(r, name, help, label, () -> engine != null, values);
    }

    /** A counter read while {@code when} holds, with one label or none. */
    private static void counter(
            PrometheusRegistry r,
            String name,
            String help,
            String label,
            BooleanSupplier when,
            Consumer<CounterWithCallback.Callback> values) {
        CounterWithCallback.Builder builder =
                CounterWithCallback.builder().name(name).help(help);
        if (label != null) {
            builder.labelNames(label);
        }
        builder.callback(cb -> {
                    if (when.getAsBoolean()) {
                        values.accept(cb);
                    }
                })
                .register(r);
    }

    /** A gauge read while the engine runs, with one label or none. */
    private void gauge(
            PrometheusRegistry r, String name, String help, String label, Consumer<GaugeWithCallback.Callback> values) {
        GaugeWithCallback.Builder builder =
                GaugeWithCallback.builder().name(name).help(help);
        if (label != null) {
            builder.labelNames(label);
        }
        builder.callback(cb -> {
                    if (engine != null) {
                        values.accept(cb);
                    }
                })
                .register(r);
    }

    /** A counter of the RADIUS listener, when there is one (a run's, or one served on its own). */
    private void radiusCounter(
            PrometheusRegistry r, String name, String help, ToLongFunction<RadiusAccountingServer> value) {
        radiusCounter(r, name, help, null, cb -> cb.call(value.applyAsLong(radius())));
    }

    private void radiusCounter(
            PrometheusRegistry r,
            String name,
            String help,
            String label,
            Consumer<CounterWithCallback.Callback> values) {
        counter(r, name, help, label, () -> radius() != null, values);
    }

    /** The RADIUS listener whose counters are served: one on its own, or the running meter's directory's. */
    private RadiusAccountingServer radius() {
        RadiusAccountingServer alone = standaloneRadius;
        if (alone != null) {
            return alone;
        }
        Directory d = directory;
        return engine == null || d == null ? null : d.radius();
    }

    private FlowManager flow() {
        return engine.flowManager();
    }

    private interface InterfaceVisitor {
        void visit(LiveSource source, int i);
    }

    private void forEachInterface(InterfaceVisitor visitor) {
        LiveSource source = live;
        if (source != null) {
            for (int i = 0; i < source.interfaceCount(); i++) {
                visitor.visit(source, i);
            }
        }
    }

    private long sum(ToLongFunction<Processor> value) {
        long total = 0;
        for (Processor p : engine.processors()) {
            total += value.applyAsLong(p);
        }
        return total;
    }

    @Override
    public void close() {
        server.close();
    }
}
