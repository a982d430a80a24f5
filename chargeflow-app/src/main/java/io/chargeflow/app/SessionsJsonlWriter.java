package io.chargeflow.app;

import io.chargeflow.flow.ClosedSession;
import io.chargeflow.flow.SessionListener;
import io.chargeflow.flow.SubscriberKeys;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes closed sessions as JSON Lines on a writer thread of its own: processors only enqueue (a full queue slows
 * them down, nothing is dropped), so no processor ever waits on the file system for a write.
 */
final class SessionsJsonlWriter implements SessionListener, AutoCloseable {
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1 << 16);
    private final BufferedWriter out;
    private final Thread writer;
    private final int ipv6PrefixLength;
    private volatile IOException failure;

    SessionsJsonlWriter(Path file, int ipv6PrefixLength) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.ipv6PrefixLength = ipv6PrefixLength;
        this.writer = Thread.ofPlatform()
                .name("chargeflow-sessions-writer")
                .daemon(true)
                .start(this::drain);
    }

    @Override
    public void onSessionClosed(ClosedSession session) {
        try {
            queue.put(session);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing a session to the writer", e);
        }
    }

    private void drain() {
        try {
            while (true) {
                Object item = queue.take();
                if (item == END) {
                    break;
                }
                out.write(toJson((ClosedSession) item, ipv6PrefixLength));
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String toJson(ClosedSession s, int prefix) {
        StringBuilder b = new StringBuilder(320);
        b.append("{\"session_id\":")
                .append(s.sessionId())
                .append(",\"subscriber\":\"")
                .append(SubscriberKeys.format(s.keyHi(), s.keyLo(), prefix))
                .append('"');
        if (s.subscriber() != null) {
            b.append(",\"subscriber_id\":").append(s.subscriber().subscriberId());
            appendString(b, "imsi", s.subscriber().imsi());
            appendString(b, "msisdn", s.subscriber().msisdn());
            appendString(b, "account", s.subscriber().account());
            appendString(b, "plan", s.subscriber().plan());
        }
        b.append(",\"processor\":")
                .append(s.processor())
                .append(",\"first_seen\":\"")
                .append(instant(s.firstSeenNs()))
                .append('"')
                .append(",\"last_seen\":\"")
                .append(instant(s.lastSeenNs()))
                .append('"')
                .append(",\"ul_packets\":")
                .append(s.ulPackets())
                .append(",\"ul_bytes\":")
                .append(s.ulBytes())
                .append(",\"dl_packets\":")
                .append(s.dlPackets())
                .append(",\"dl_bytes\":")
                .append(s.dlBytes())
                .append(",\"peer_to_peer\":")
                .append(s.peerToPeer());
        if (s.peerToPeer()) {
            b.append(",\"peer\":\"")
                    .append(SubscriberKeys.format(s.peerHi(), s.peerLo(), prefix))
                    .append('"');
            if (s.peerSubscriber() != null) {
                b.append(",\"peer_subscriber_id\":").append(s.peerSubscriber().subscriberId());
                appendString(b, "peer_imsi", s.peerSubscriber().imsi());
                appendString(b, "peer_msisdn", s.peerSubscriber().msisdn());
                appendString(b, "peer_account", s.peerSubscriber().account());
            }
        }
        b.append(",\"close_cause\":\"")
                .append(s.cause().label())
                .append('"')
                .append(",\"closed_at\":\"")
                .append(instant(s.closeTimeNs()))
                .append("\"}");
        return b.toString();
    }

    private static void appendString(StringBuilder b, String name, String value) {
        if (value == null) {
            return;
        }
        b.append(",\"").append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }

    static String instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
                .toString();
    }

    @Override
    public void close() throws IOException {
        try {
            queue.put(END);
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            out.close();
        }
        if (failure != null) {
            throw new UncheckedIOException("writing sessions failed", failure);
        }
    }
}
