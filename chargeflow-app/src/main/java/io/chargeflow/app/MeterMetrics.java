package io.chargeflow.app;

import io.chargeflow.flow.FlowEngine;
import io.chargeflow.flow.FlowManager;
import io.chargeflow.flow.Processor;
import io.chargeflow.packet.LiveSource;
import io.chargeflow.packet.MalformedReason;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
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

    /** As above, with the run's subscriber directory (null without one), and its RADIUS listener if it has one. */
    void attach(FlowEngine running, LiveSource source, LongSupplier durable, Directory subscribers) {
        live = source;
        cdrsDurable = durable;
        directory = subscribers;
        engine = running;
    }

    private void register(PrometheusRegistry registry) {
        counter(registry, "chargeflow_frames", "Frames read (files or live).", FlowManager::frames);
        counter(
                registry,
                "chargeflow_frame_bytes",
                "Bytes of the frames read, as on the wire.",
                FlowManager::frameBytes);
        CounterWithCallback.builder()
                .name("chargeflow_charged_packets")
                .help("Packets charged to a subscriber, by direction (a packet charged to both ends counts in each).")
                .labelNames("direction")
                .callback(cb -> {
                    FlowEngine e = engine;
                    if (e != null) {
                        cb.call(e.flowManager().uplinkRecords(), "uplink");
                        cb.call(e.flowManager().downlinkRecords(), "downlink");
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_charged_bytes")
                .help("IP bytes charged to a subscriber, by direction.")
                .labelNames("direction")
                .callback(cb -> {
                    FlowEngine e = engine;
                    if (e != null) {
                        cb.call(e.flowManager().uplinkBytes(), "uplink");
                        cb.call(e.flowManager().downlinkBytes(), "downlink");
                    }
                })
                .register(registry);
        counter(
                registry,
                "chargeflow_unclassified_packets",
                "Packets no side rule matched (not charged).",
                FlowManager::unclassifiedPackets);
        counter(
                registry,
                "chargeflow_other_direction_frames",
                "Frames of a file skipped for their direction (--direction).",
                FlowManager::otherDirectionFrames);
        counter(
                registry,
                "chargeflow_peer_to_peer_records",
                "Records of packets between two subscribers.",
                FlowManager::peerToPeerPackets);
        counter(
                registry,
                "chargeflow_reader_backpressure_waits",
                "Times the reader waited for a processor's full ring (nothing is dropped).",
                FlowManager::backpressureWaits);
        CounterWithCallback.builder()
                .name("chargeflow_malformed_frames")
                .help("Frames that could not be decoded, by reason (never charged).")
                .labelNames("reason")
                .callback(cb -> {
                    FlowEngine e = engine;
                    if (e != null) {
                        for (MalformedReason reason : MalformedReason.values()) {
                            if (reason != MalformedReason.NONE) {
                                cb.call(e.flowManager().malformed(reason), reason.label());
                            }
                        }
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("chargeflow_sessions_open")
                .help("Sessions open now.")
                .callback(cb -> {
                    FlowEngine e = engine;
                    if (e != null) {
                        cb.call(sum(e, Processor::openSessions));
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_sessions_closed")
                .help("Sessions closed (idle, binding change, end of input...).")
                .callback(cb -> {
                    FlowEngine e = engine;
                    if (e != null) {
                        cb.call(sum(e, Processor::sessionsClosed));
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_processor_records")
                .help("Records each processor metered.")
                .labelNames("processor")
                .callback(cb -> {
                    FlowEngine e = engine;
                    if (e != null) {
                        for (Processor p : e.processors()) {
                            cb.call(p.records(), Integer.toString(p.id()));
                        }
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_cdrs_durable")
                .help("CDRs written and fsynced to the journal in this run.")
                .callback(cb -> {
                    LongSupplier durable = cdrsDurable;
                    if (engine != null && durable != null) {
                        cb.call(durable.getAsLong());
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_capture_frames")
                .help("Frames captured live, by interface.")
                .labelNames("interface")
                .callback(cb -> forEachInterface((source, i) -> cb.call(source.frames(i), source.interfaceName(i))))
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_capture_kernel_drops")
                .help("Frames the kernel dropped (its buffer was full), by interface; refreshed once a second.")
                .labelNames("interface")
                .callback(
                        cb -> forEachInterface((source, i) -> cb.call(source.recentDrops(i), source.interfaceName(i))))
                .register(registry);
        GaugeWithCallback.builder()
                .name("chargeflow_capture_up")
                .help("1 while the capture of the interface runs, 0 while it is down (it disappeared).")
                .labelNames("interface")
                .callback(cb -> forEachInterface(
                        (source, i) -> cb.call(source.failure(i) == null ? 1 : 0, source.interfaceName(i))))
                .register(registry);
    }

    private void registerDirectory(PrometheusRegistry registry) {
        GaugeWithCallback.builder()
                .name("chargeflow_directory_bindings_preloaded")
                .help("Bindings loaded from the subscriber database at the start.")
                .callback(cb -> {
                    Directory d = directory;
                    if (d != null) {
                        cb.call(d.preloaded());
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_directory_lookups")
                .help("Subscriber lookups by address, answered from the cache or the database.")
                .labelNames("from")
                .callback(cb -> {
                    Directory d = directory;
                    if (d != null) {
                        cb.call(d.resolver().cacheHits(), "cache");
                        cb.call(d.resolver().cacheMisses(), "database");
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_radius_requests_answered")
                .help("RADIUS accounting requests stored and answered (first answers).")
                .callback(cb -> {
                    io.chargeflow.subscriber.radius.RadiusAccountingServer r = radius();
                    if (r != null) {
                        cb.call(r.answered());
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_radius_retransmissions_answered")
                .help("RADIUS retransmissions answered again from the recent responses.")
                .callback(cb -> {
                    io.chargeflow.subscriber.radius.RadiusAccountingServer r = radius();
                    if (r != null) {
                        cb.call(r.retransmissionsAnswered());
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_radius_requests_without_subscriber")
                .help("RADIUS Start/Interim requests that named no known subscriber (answered, nothing bound).")
                .callback(cb -> {
                    io.chargeflow.subscriber.radius.RadiusAccountingServer r = radius();
                    if (r != null) {
                        cb.call(r.requestsWithoutSubscriber());
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("chargeflow_radius_dropped")
                .help("RADIUS datagrams not answered, by reason.")
                .labelNames("reason")
                .callback(cb -> {
                    io.chargeflow.subscriber.radius.RadiusAccountingServer r = radius();
                    if (r != null) {
                        for (io.chargeflow.subscriber.radius.RadiusDropReason reason :
                                io.chargeflow.subscriber.radius.RadiusDropReason.values()) {
                            cb.call(r.dropped(reason), reason.name().toLowerCase(java.util.Locale.ROOT));
                        }
                    }
                })
                .register(registry);
    }

    private io.chargeflow.subscriber.radius.RadiusAccountingServer radius() {
        Directory d = directory;
        return engine == null || d == null ? null : d.radius();
    }

    private interface InterfaceVisitor {
        void visit(LiveSource source, int i);
    }

    private void forEachInterface(InterfaceVisitor visitor) {
        LiveSource source = live;
        if (engine != null && source != null) {
            for (int i = 0; i < source.interfaceCount(); i++) {
                visitor.visit(source, i);
            }
        }
    }

    private void counter(PrometheusRegistry registry, String name, String help, ToLongFunction<FlowManager> value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> {
                    FlowEngine e = engine;
                    if (e != null) {
                        cb.call(value.applyAsLong(e.flowManager()));
                    }
                })
                .register(registry);
    }

    private static long sum(FlowEngine engine, ToLongFunction<Processor> value) {
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
