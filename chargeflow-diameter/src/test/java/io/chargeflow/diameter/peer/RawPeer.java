package io.chargeflow.diameter.peer;

import io.chargeflow.diameter.codec.DiameterEncoder;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** A hand-driven Diameter peer over a blocking socket, for tests that misbehave on purpose. */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(5_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawPeer connect(int port) throws IOException {
        return new RawPeer(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one whole message (blocking); null at end of stream. */
    DiameterMessage read() throws IOException {
        byte[] header = new byte[4];
        try {
            in.readFully(header);
        } catch (java.io.EOFException e) {
            return null;
        }
        int length = ByteBuffer.wrap(header).getInt() & 0xffffff;
        byte[] all = new byte[length];
        System.arraycopy(header, 0, all, 0, 4);
        in.readFully(all, 4, length - 4);
        return new DiameterMessage().wrap(ByteBuffer.wrap(all), 0, length);
    }

    /** True when the other side closed (read returns end of stream within the socket timeout). */
    boolean closedByRemote() throws IOException {
        try {
            while (true) {
                if (read() == null) {
                    return true;
                }
            }
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    static byte[] encode(int flags, int command, int app, int hbh, int e2e, Consumer<DiameterEncoder> body) {
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        DiameterEncoder encoder = new DiameterEncoder().wrap(buffer, 0);
        encoder.header(flags, command, app, hbh, e2e);
        body.accept(encoder);
        int n = encoder.finish();
        byte[] bytes = new byte[n];
        buffer.get(0, bytes);
        return bytes;
    }

    static byte[] cer(String originHost, String realm, long... apps) {
        return encode(0x80, 257, 0, 1, 1, e -> {
            e.putUtf8(Avp.ORIGIN_HOST, originHost);
            e.putUtf8(Avp.ORIGIN_REALM, realm);
            e.putAddressIpv4(Avp.HOST_IP_ADDRESS, 0x7f000001);
            e.putUnsigned32(Avp.VENDOR_ID, 0);
            e.putUtf8(Avp.PRODUCT_NAME, "raw");
            for (long app : apps) {
                e.putUnsigned32(Avp.AUTH_APPLICATION_ID, app);
            }
        });
    }

    static byte[] cea(int hbh, int e2e, String originHost, String realm, long resultCode) {
        return encode(0, 257, 0, hbh, e2e, e -> {
            e.putUnsigned32(Avp.RESULT_CODE, resultCode);
            e.putUtf8(Avp.ORIGIN_HOST, originHost);
            e.putUtf8(Avp.ORIGIN_REALM, realm);
            e.putAddressIpv4(Avp.HOST_IP_ADDRESS, 0x7f000001);
            e.putUnsigned32(Avp.VENDOR_ID, 0);
            e.putUtf8(Avp.PRODUCT_NAME, "raw");
            e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
        });
    }

    static byte[] ccr(String originHost, int hbh, int e2e, int requestNumber, boolean retransmit) {
        return encode(0xc0 | (retransmit ? 0x10 : 0), 272, 4, hbh, e2e, e -> {
            e.putUtf8(Avp.SESSION_ID, originHost + ";1;" + e2e);
            e.putUtf8(Avp.ORIGIN_HOST, originHost);
            e.putUtf8(Avp.ORIGIN_REALM, "raw.realm");
            e.putUtf8(Avp.DESTINATION_REALM, "server.realm");
            e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
            e.putUtf8(Avp.SERVICE_CONTEXT_ID, "32251@3gpp.org");
            e.putInteger32(Avp.CC_REQUEST_TYPE, 1);
            e.putUnsigned32(Avp.CC_REQUEST_NUMBER, requestNumber);
        });
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
