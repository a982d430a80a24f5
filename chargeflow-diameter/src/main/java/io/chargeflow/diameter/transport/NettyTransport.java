package io.chargeflow.diameter.transport;

import io.chargeflow.diameter.peer.ConnectionListener;
import io.chargeflow.diameter.peer.TlsSettings;
import io.chargeflow.diameter.peer.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The only place that sees Netty: TCP (epoll when the native library loads, NIO otherwise) and TLS from the first
 * byte (RFC 6733 §13) with certificate and host-name checks, Nagle off, a write high-water mark so a peer that stops
 * reading shows as unwritable. Created on the configuring thread; its methods may be called from any thread.
 */
public final class NettyTransport implements Transport {
    /** Largest message accepted before the stream is declared unframeable (RFC 6733 allows 2^24-1). */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 1 << 20;

    private final EventLoopGroup group;
    private final boolean epoll;
    private final SslContext clientTls;
    private final SslContext serverTls;
    private final TlsSettings tls;
    private final int maxMessageLength;
    private final WriteBufferWaterMark waterMark;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    /** A transport with {@code ioThreads} event loops and optional TLS material (null: plain TCP only). */
    public NettyTransport(int ioThreads, TlsSettings tls) {
        this(ioThreads, tls, DEFAULT_MAX_MESSAGE_LENGTH, 256 * 1024, 1024 * 1024);
    }

    /** As above with the largest accepted message and the write low/high-water marks in bytes. */
    public NettyTransport(int ioThreads, TlsSettings tls, int maxMessageLength, int lowWaterMark, int highWaterMark) {
        if (ioThreads <= 0) {
            throw new IllegalArgumentException("ioThreads=" + ioThreads);
        }
        if (maxMessageLength < 20) {
            throw new IllegalArgumentException("maxMessageLength=" + maxMessageLength);
        }
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(
                ioThreads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.tls = tls;
        this.maxMessageLength = maxMessageLength;
        this.waterMark = new WriteBufferWaterMark(lowWaterMark, highWaterMark);
        try {
            this.clientTls = tls == null ? null : clientContext(tls);
            this.serverTls = tls == null || tls.keyStore() == null ? null : serverContext(tls);
        } catch (IOException | GeneralSecurityException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalArgumentException("tls: cannot load key or trust store: " + e.getMessage(), e);
        }
    }

    /** True when the epoll native transport is in use. */
    public boolean isEpoll() {
        return epoll;
    }

    @Override
    public void connect(String host, int port, boolean useTls, int connectTimeoutMs, ConnectionListener listener) {
        if (useTls && clientTls == null) {
            throw new IllegalArgumentException("tls=true but no TLS settings for host=" + host + " port=" + port);
        }
        String dialled = host + ":" + port;
        NettyConnection connection = new NettyConnection(dialled);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        if (useTls) {
                            SslHandler ssl = clientTls.newHandler(ch.alloc(), host, port);
                            SSLParameters parameters = ssl.engine().getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm(
                                    tls.verifyHostname() && !tls.trustAll() ? "HTTPS" : null);
                            ssl.engine().setSSLParameters(parameters);
                            ch.pipeline().addLast(ssl);
                        }
                        ch.pipeline().addLast(new DiameterFrameHandler(listener, connection, maxMessageLength));
                    }
                });
        bootstrap.connect(host, port).addListener(future -> {
            if (!future.isSuccess()) {
                listener.onConnectFailed(describeConnectFailure(future.cause(), dialled, connectTimeoutMs));
            }
        });
    }

    @Override
    public int listen(String bindHost, int port, boolean useTls, Supplier<ConnectionListener> acceptor) {
        if (useTls && serverTls == null) {
            throw new IllegalArgumentException("listen tls=true but no key store: bindHost=" + bindHost);
        }
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(type)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        if (useTls) {
                            ch.pipeline().addLast(serverTls.newHandler(ch.alloc()));
                        }
                        InetSocketAddress remote = ch.remoteAddress();
                        NettyConnection connection = new NettyConnection(
                                remote == null ? "?" : remote.getHostString() + ":" + remote.getPort());
                        ch.pipeline().addLast(new DiameterFrameHandler(acceptor.get(), connection, maxMessageLength));
                    }
                });
        Channel server = bootstrap.bind(bindHost, port).syncUninterruptibly().channel();
        channels.add(server);
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    static String describeConnectFailure(Throwable cause, String dialled, int connectTimeoutMs) {
        if (cause instanceof ConnectTimeoutException) {
            return "connection to " + dialled + " timed out after " + connectTimeoutMs + " ms";
        }
        if (cause instanceof ConnectException
                || (cause != null && cause.getClass().getSimpleName().contains("Connect"))) {
            String message = DiameterFrameHandler.rootMessage(cause);
            if (message.toLowerCase(java.util.Locale.ROOT).contains("refused")) {
                return "connection refused by " + dialled;
            }
            return "cannot connect to " + dialled + ": " + message;
        }
        return "cannot connect to " + dialled + ": "
                + (cause == null ? "unknown" : DiameterFrameHandler.rootMessage(cause));
    }

    private static SslContext clientContext(TlsSettings tls) throws IOException, GeneralSecurityException {
        SslContextBuilder builder = SslContextBuilder.forClient();
        if (tls.trustAll()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else if (tls.trustStore() != null) {
            builder.trustManager(trustManagers(tls));
        }
        if (tls.keyStore() != null) {
            builder.keyManager(keyManagers(tls));
        }
        return builder.build();
    }

    private static SslContext serverContext(TlsSettings tls) throws IOException, GeneralSecurityException {
        SslContextBuilder builder = SslContextBuilder.forServer(keyManagers(tls));
        if (tls.trustStore() != null) {
            builder.trustManager(trustManagers(tls));
        }
        builder.clientAuth(tls.requireClientCertificate() ? ClientAuth.REQUIRE : ClientAuth.NONE);
        return builder.build();
    }

    private static KeyManagerFactory keyManagers(TlsSettings tls) throws IOException, GeneralSecurityException {
        KeyStore store = load(tls.keyStore(), tls.keyStorePassword());
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, tls.keyStorePassword());
        return factory;
    }

    private static TrustManagerFactory trustManagers(TlsSettings tls) throws IOException, GeneralSecurityException {
        KeyStore store = load(tls.trustStore(), tls.trustStorePassword());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    private static KeyStore load(java.nio.file.Path path, char[] password)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password);
        }
        return store;
    }
}
