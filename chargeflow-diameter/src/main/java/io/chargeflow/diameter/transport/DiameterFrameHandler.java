package io.chargeflow.diameter.transport;

import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.peer.ConnectionListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Frames the byte stream of one connection into Diameter messages by their header length (RFC 6733 §3) and hands
 * each to the peer layer as a flyweight over a per-connection buffer (grown only for a larger message, so steady
 * traffic allocates nothing here). A stream whose header cannot be trusted (version, impossible length) cannot be
 * re-synchronised: it is reported and the connection closed. Runs on the connection's I/O thread.
 */
final class DiameterFrameHandler extends ByteToMessageDecoder {
    private final ConnectionListener listener;
    private final NettyConnection connection;
    private final int maxMessageLength;
    private final DiameterMessage flyweight = new DiameterMessage();
    private ByteBuffer frame = ByteBuffer.allocate(4096);
    private boolean connected;
    private boolean broken;

    DiameterFrameHandler(ConnectionListener listener, NettyConnection connection, int maxMessageLength) {
        this.listener = listener;
        this.connection = connection;
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        connection.attach(ctx.channel());
        if (ctx.pipeline().get(SslHandler.class) == null) {
            connected = true;
            listener.onConnected(connection);
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                connected = true;
                listener.onConnected(connection);
            } else {
                listener.onConnectFailed("TLS handshake with " + connection.describeRemote() + " failed: "
                        + rootMessage(handshake.cause()));
                ctx.close();
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (connected) {
            listener.onClosed(connection);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        connection.onWritabilityChanged(ctx.channel().isWritable());
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // I/O errors (reset by peer, TLS alerts) end the connection; the peer layer sees onClosed
        ctx.close();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!broken && in.readableBytes() >= 4) {
            int start = in.readerIndex();
            int word = in.getInt(start);
            int version = word >>> 24;
            int length = word & 0xffffff;
            if (version != DiameterMessage.VERSION
                    || length < DiameterMessage.HEADER_LENGTH
                    || (length & 3) != 0
                    || length > maxMessageLength) {
                broken = true;
                in.skipBytes(in.readableBytes());
                listener.onFramingError(connection, "version=" + version + " length=" + length);
                ctx.close();
                return;
            }
            if (in.readableBytes() < length) {
                return;
            }
            if (frame.capacity() < length) {
                frame = ByteBuffer.allocate(Math.max(length, frame.capacity() * 2));
            }
            in.getBytes(start, frame.array(), 0, length);
            in.skipBytes(length);
            listener.onMessage(connection, flyweight.wrap(frame, 0, length));
        }
        if (broken) {
            in.skipBytes(in.readableBytes());
        }
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
