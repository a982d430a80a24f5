package io.chargeflow.diameter.transport;

import io.chargeflow.diameter.peer.Connection;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A {@link Connection} over a Netty channel. Sends from any thread go into a queue that one task on the channel's
 * event loop drains, writes and flushes, so pipelined messages leave in few system calls. Close waits for
 * what was written before it (a DPA is not lost).
 */
final class NettyConnection implements Connection {
    private static final long GRACEFUL_CLOSE_MS = 2_000;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final String dialled;
    private volatile Channel channel;
    private volatile long unwritableSinceNs;
    private final Runnable flushTask = this::flushNow;
    private final java.util.Queue<byte[]> outbound = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicLong outboundBytes = new java.util.concurrent.atomic.AtomicLong();

    NettyConnection(String dialled) {
        this.dialled = dialled;
    }

    void attach(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void send(byte[] message) {
        Channel c = channel;
        if (c == null) {
            return;
        }
        outboundBytes.addAndGet(message.length);
        outbound.offer(message);
        // the flag is cleared before the queue is drained, so a message offered while a drain runs is either
        // taken by that drain or schedules the next one: none is left unflushed
        if (flushScheduled.compareAndSet(false, true)) {
            c.eventLoop().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled.set(false);
        Channel c = channel;
        if (c == null) {
            return;
        }
        byte[] message;
        while ((message = outbound.poll()) != null) {
            outboundBytes.addAndGet(-message.length);
            c.write(Unpooled.wrappedBuffer(message), c.voidPromise());
        }
        c.flush();
    }

    @Override
    public void close() {
        Channel c = channel;
        if (c != null) {
            // behind any queued send: what was sent before close (a CEA with an error, a DPA) still leaves
            c.eventLoop().execute(() -> {
                flushNow();
                c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                // a peer that does not read would keep the graceful close pending forever
                c.eventLoop()
                        .schedule(
                                () -> {
                                    c.close();
                                },
                                GRACEFUL_CLOSE_MS,
                                java.util.concurrent.TimeUnit.MILLISECONDS);
            });
        }
    }

    @Override
    public void abort() {
        Channel c = channel;
        if (c != null) {
            outbound.clear();
            outboundBytes.set(0);
            c.close();
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        Channel c = channel;
        return c == null ? null : (InetSocketAddress) c.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        Channel c = channel;
        return c == null ? null : (InetSocketAddress) c.localAddress();
    }

    @Override
    public boolean isWritable() {
        Channel c = channel;
        return c != null && c.isWritable();
    }

    @Override
    public long queuedBytes() {
        Channel c = channel;
        ChannelOutboundBuffer buffer = c == null ? null : c.unsafe().outboundBuffer();
        return Math.max(0, outboundBytes.get()) + (buffer == null ? 0 : buffer.totalPendingWriteBytes());
    }

    @Override
    public long unwritableSinceNs() {
        return unwritableSinceNs;
    }

    void onWritabilityChanged(boolean writable) {
        unwritableSinceNs = writable ? 0 : Math.max(1, System.nanoTime());
    }

    @Override
    public String peerCertificateSubject() {
        Channel c = channel;
        SslHandler ssl = c == null ? null : c.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509
                    ? x509.getSubjectX500Principal().getName()
                    : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    String describeRemote() {
        InetSocketAddress remote = remoteAddress();
        return remote == null ? dialled : remote.getHostString() + ":" + remote.getPort();
    }
}
