package io.chargeflow.app;

import io.chargeflow.flow.FlowEngine;
import io.chargeflow.flow.FlowManager;
import io.chargeflow.flow.Processor;
import io.chargeflow.packet.CaptureStats;
import io.chargeflow.packet.MalformedReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a metering run measured: the run's counters, and the finished engine whose processors still hold the
 * per-subscriber totals (visited in key order, never copied: a million subscribers stay within the heap).
 */
final class MeterResult {
    final FlowEngine engine;
    final long subscribers;
    final int ipv6PrefixLength;
    final List<String> captures;
    final long frames;
    final long frameBytes;
    final long chargedPackets;
    final long uplinkRecords;
    final long uplinkBytes;
    final long downlinkRecords;
    final long downlinkBytes;
    final long unclassifiedPackets;
    final long unclassifiedBytes;
    /** The direction metered ({@code --direction}), and what it skipped or could not tell in capture files. */
    final io.chargeflow.packet.CaptureDirection direction;

    final long otherDirectionFrames;
    final long otherDirectionBytes;
    final long framesWithoutDirection;
    final long peerToPeerPackets;
    final long gtpPackets;
    final long tunnelContinuations;
    final long serverNamesSeen;
    final long learnedGenerationsDropped;
    /** Addresses of DNS answers whose question matched a name rule (each taught its receiver's processor). */
    final long dnsAddressesLearned;

    final long straddlingAnswers;
    final long snaplenTruncated;
    final long backpressureWaits;
    final Map<String, Long> malformed = new LinkedHashMap<>();
    final long malformedTotal;
    final long brokenRecords;
    final List<String> captureProblems;
    final long sessionsOpened;
    final long sessionsClosed;
    final long peakSessions;
    final long[] processorRecords;
    final long elapsedNanos;
    /**
     * Of {@link #elapsedNanos}, the part after the last frame was read: the processors metering what their rings still
     * held and closing every session (with CDRs, each session's final record).
     */
    final long endOfInputNanos;

    final int processors;
    /** CPU time of the reading thread (decode, side rules, hand-off), or -1 where the JVM cannot tell. */
    final long readerCpuNanos;
    /** CPU time of each processor thread, or -1. */
    final long[] processorCpuNanos;

    MeterResult(
            FlowEngine engine,
            List<String> captures,
            List<CaptureStats> stats,
            long elapsedNanos,
            long endOfInputNanos,
            long readerCpuNanos) {
        FlowManager fm = engine.flowManager();
        this.engine = engine;
        this.subscribers = engine.subscriberKeys();
        this.ipv6PrefixLength = engine.context().ipv6PrefixLength();
        this.captures = captures;
        frames = fm.frames();
        frameBytes = fm.frameBytes();
        chargedPackets = fm.chargedPackets();
        uplinkRecords = fm.uplinkRecords();
        uplinkBytes = fm.uplinkBytes();
        downlinkRecords = fm.downlinkRecords();
        downlinkBytes = fm.downlinkBytes();
        unclassifiedPackets = fm.unclassifiedPackets();
        unclassifiedBytes = fm.unclassifiedBytes();
        direction = engine.context().captureDirection();
        otherDirectionFrames = fm.otherDirectionFrames();
        otherDirectionBytes = fm.otherDirectionBytes();
        framesWithoutDirection = fm.framesWithoutDirection();
        peerToPeerPackets = fm.peerToPeerPackets();
        gtpPackets = fm.gtpPackets();
        tunnelContinuations = fm.tunnelContinuations();
        serverNamesSeen = fm.namesSeen();
        dnsAddressesLearned = fm.learnRecords();
        long straddling = 0;
        long dropped = 0;
        for (io.chargeflow.flow.Processor p : engine.processors()) {
            straddling += p.straddlingAnswers();
            dropped += p.learnedGenerationsDropped();
        }
        learnedGenerationsDropped = dropped;
        straddlingAnswers = straddling;
        snaplenTruncated = fm.snaplenTruncated();
        backpressureWaits = fm.backpressureWaits();
        for (MalformedReason reason : MalformedReason.values()) {
            if (reason != MalformedReason.NONE && fm.malformed(reason) > 0) {
                malformed.put(reason.label(), fm.malformed(reason));
            }
        }
        malformedTotal = fm.malformedTotal();
        long broken = 0;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < stats.size(); i++) {
            broken += stats.get(i).brokenRecords;
            if (stats.get(i).firstProblem != null) {
                problems.add(captures.get(i) + ": " + stats.get(i).firstProblem);
            }
        }
        brokenRecords = broken;
        captureProblems = problems;
        List<Processor> ps = engine.processors();
        processors = ps.size();
        processorRecords = new long[ps.size()];
        processorCpuNanos = new long[ps.size()];
        this.readerCpuNanos = readerCpuNanos;
        long opened = 0;
        long closed = 0;
        long peak = 0;
        for (int i = 0; i < ps.size(); i++) {
            processorRecords[i] = ps.get(i).records();
            processorCpuNanos[i] = ps.get(i).cpuNanos();
            opened += ps.get(i).sessionsOpened();
            closed += ps.get(i).sessionsClosed();
            peak += ps.get(i).peakSessions();
        }
        sessionsOpened = opened;
        sessionsClosed = closed;
        peakSessions = peak;
        this.elapsedNanos = elapsedNanos;
        this.endOfInputNanos = endOfInputNanos;
    }

    /** The processors' CPU seconds, e.g. "0.42 + 0.40". */
    String processorCpuText() {
        StringBuilder text = new StringBuilder();
        for (long ns : processorCpuNanos) {
            text.append(text.isEmpty() ? "" : " + ").append(String.format("%.2f", ns / 1e9));
        }
        return text.toString();
    }

    /** Visits every subscriber's totals in key order. */
    void forEachSubscriber(io.chargeflow.flow.Processor.KeyVisitor visitor) {
        engine.forEachSubscriber(visitor);
    }

    /** A subscriber's totals as a row object (for the few rows a report prints). */
    UsageRow row(
            long hi,
            long lo,
            long ulP,
            long ulB,
            long dlP,
            long dlB,
            long sessions,
            boolean p2p,
            long peerHi,
            long peerLo,
            io.chargeflow.flow.Subscriber identity) {
        return new UsageRow(
                hi,
                lo,
                io.chargeflow.flow.SubscriberKeys.format(hi, lo, ipv6PrefixLength),
                ulP,
                ulB,
                dlP,
                dlB,
                sessions,
                p2p,
                p2p ? io.chargeflow.flow.SubscriberKeys.format(peerHi, peerLo, ipv6PrefixLength) : null,
                identity);
    }

    double packetsPerSecond() {
        return elapsedNanos == 0 ? 0 : frames * 1e9 / elapsedNanos;
    }

    /** The summary as an ordered map, for --summary-json. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("captures", captures);
        m.put("frames", frames);
        m.put("frame_bytes", frameBytes);
        m.put("charged_packets", chargedPackets);
        m.put("uplink", Map.of("packets", uplinkRecords, "bytes", uplinkBytes));
        m.put("downlink", Map.of("packets", downlinkRecords, "bytes", downlinkBytes));
        m.put("unclassified", Map.of("packets", unclassifiedPackets, "bytes", unclassifiedBytes));
        m.put(
                "direction",
                Map.of(
                        "metered",
                        direction.label(),
                        "other_direction_frames",
                        otherDirectionFrames,
                        "other_direction_bytes",
                        otherDirectionBytes,
                        "frames_without_direction",
                        framesWithoutDirection));
        Map<String, Object> mal = new LinkedHashMap<>();
        mal.put("total", malformedTotal);
        mal.put("by_reason", malformed);
        m.put("malformed", mal);
        m.put("gtpu_packets", gtpPackets);
        m.put("gtpu_continuation_fragments", tunnelContinuations);
        m.put("server_names_seen", serverNamesSeen);
        m.put("dns_addresses_learned", dnsAddressesLearned);
        m.put("dns_learned_generations_dropped", learnedGenerationsDropped);
        m.put("directory_answers_straddling_binding_end", straddlingAnswers);
        m.put("snaplen_truncated_charged", snaplenTruncated);
        m.put("peer_to_peer_records", peerToPeerPackets);
        m.put("subscribers", subscribers);
        m.put("sessions", Map.of("opened", sessionsOpened, "closed", sessionsClosed, "peak_concurrent", peakSessions));
        List<Map<String, Object>> procs = new ArrayList<>();
        long totalRecords = uplinkRecords + downlinkRecords;
        for (int i = 0; i < processorRecords.length; i++) {
            procs.add(Map.of(
                    "id",
                    i,
                    "records",
                    processorRecords[i],
                    "share",
                    totalRecords == 0 ? 0.0 : Math.round(processorRecords[i] * 10000.0 / totalRecords) / 10000.0));
        }
        m.put("processors", procs);
        m.put("capture_broken_records", brokenRecords);
        m.put("capture_problems", captureProblems);
        m.put("backpressure_waits", backpressureWaits);
        m.put("elapsed_seconds", elapsedNanos / 1e9);
        m.put("end_of_input_seconds", endOfInputNanos / 1e9);
        List<Double> processorCpu = new ArrayList<>();
        for (long ns : processorCpuNanos) {
            processorCpu.add(ns < 0 ? -1.0 : ns / 1e9);
        }
        m.put(
                "cpu_seconds",
                Map.of("reader", readerCpuNanos < 0 ? -1.0 : readerCpuNanos / 1e9, "processors", processorCpu));
        m.put("packets_per_second", Math.round(packetsPerSecond()));
        return m;
    }
}
