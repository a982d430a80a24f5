package io.chargeflow.diameter.codec;

import io.chargeflow.diameter.dictionary.Application;
import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.dictionary.AvpType;
import io.chargeflow.diameter.dictionary.Command;
import io.chargeflow.diameter.dictionary.Dictionary;
import io.chargeflow.diameter.dictionary.ResultCode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Renders a message as readable text with command, application and AVP names from the dictionary (nested AVPs
 * indented), e.g. for the probe tool, logs and test failure messages. Allocates freely: never on a hot path. Stateless;
 * any thread.
 */
public final class DiameterPrinter {
    private DiameterPrinter() {}

    /** The whole message as text; broken framing is shown, not thrown. */
    public static String print(DiameterMessage message) {
        StringBuilder out = new StringBuilder(256);
        Command command = Command.find(message.commandCode());
        String name = command == null
                ? "Command " + message.commandCode()
                : command.commandName() + " " + command.abbreviation(message.isRequest());
        out.append(name)
                .append(" (")
                .append(message.commandCode())
                .append(")")
                .append(message.isRequest() ? " request" : " answer")
                .append(flagsText(message.flags()))
                .append(" app=")
                .append(Application.nameOf(message.applicationId()))
                .append(" hbh=0x")
                .append(Integer.toHexString(message.hopByHopId()))
                .append(" e2e=0x")
                .append(Integer.toHexString(message.endToEndId()))
                .append(" length=")
                .append(message.messageLength())
                .append('\n');
        DiameterAvp avp = new DiameterAvp();
        if (message.wrappedLength() >= DiameterMessage.HEADER_LENGTH) {
            printContainer(avp, avp.at(message.buffer(), message.avpStart(), message.avpLimit()), out, 1);
        }
        return out.toString();
    }

    private static void printContainer(DiameterAvp avp, boolean present, StringBuilder out, int depth) {
        while (present) {
            printAvp(avp, out, depth);
            present = avp.next();
        }
        if (avp.offset() < avp.limit()) {
            out.append("  ".repeat(depth))
                    .append("<broken AVP framing at offset ")
                    .append(avp.offset())
                    .append(">\n");
        }
    }

    private static void printAvp(DiameterAvp avp, StringBuilder out, int depth) {
        Avp definition = Dictionary.find(avp.code(), avp.vendorId());
        out.append("  ".repeat(depth));
        out.append(definition == null ? "AVP " + avp.code() : definition.avpName())
                .append('(')
                .append(avp.code());
        if (avp.vendorId() != 0) {
            out.append(",v=").append(Integer.toUnsignedString(avp.vendorId()));
        }
        out.append(')');
        if (avp.isMandatory()) {
            out.append(" M");
        }
        if (definition == null) {
            out.append(" 0x").append(HexFormat.of().formatHex(avp.getBytes())).append('\n');
            return;
        }
        if (definition.type() == AvpType.GROUPED) {
            out.append('\n');
            DiameterAvp child = new DiameterAvp();
            printContainer(child, child.firstChild(avp), out, depth + 1);
            return;
        }
        out.append(" = ").append(value(avp, definition)).append('\n');
    }

    /** The value of a non-grouped AVP as text (as tshark shows it: enumerations as NAME (n)). */
    public static String value(DiameterAvp avp, Avp definition) {
        int fixed = definition.type().fixedLength();
        if (fixed >= 0 && avp.dataLength() != fixed) {
            return "<invalid length " + avp.dataLength() + ">";
        }
        return switch (definition.type()) {
            case INTEGER32 -> Integer.toString(avp.getInteger32());
            case UNSIGNED32 ->
                definition == Avp.RESULT_CODE || definition == Avp.EXPERIMENTAL_RESULT_CODE
                        ? named(ResultCode.nameOf(avp.getUnsigned32()), avp.getUnsigned32())
                        : Long.toString(avp.getUnsigned32());
            case INTEGER64 -> Long.toString(avp.getInteger64());
            case UNSIGNED64 -> Long.toUnsignedString(avp.getInteger64());
            case FLOAT32 -> Float.toString(avp.getFloat32());
            case FLOAT64 -> Double.toString(avp.getFloat64());
            case ENUMERATED -> named(definition.enumName(avp.getInteger32()), avp.getInteger32());
            case TIME -> Instant.ofEpochMilli(avp.getTimeUnixMs()).toString();
            case ADDRESS -> address(avp);
            case UTF8_STRING, DIAMETER_IDENTITY, DIAMETER_URI, IP_FILTER_RULE -> avp.getString();
            case OCTET_STRING, GROUPED -> "0x" + HexFormat.of().formatHex(avp.getBytes());
        };
    }

    private static String named(String name, long value) {
        return name == null ? Long.toString(value) : name + " (" + value + ")";
    }

    private static String address(DiameterAvp avp) {
        byte[] data = avp.getBytes();
        int family = avp.getAddressFamily();
        if ((family == 1 && data.length == 6) || (family == 2 && data.length == 18)) {
            try {
                return InetAddress.getByAddress(java.util.Arrays.copyOfRange(data, 2, data.length))
                        .getHostAddress();
            } catch (UnknownHostException e) {
                return "0x" + HexFormat.of().formatHex(data);
            }
        }
        return "family " + family + " 0x" + HexFormat.of().formatHex(data);
    }

    private static String flagsText(int flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & DiameterMessage.FLAG_PROXIABLE) != 0) {
            s.append(" P");
        }
        if ((flags & DiameterMessage.FLAG_ERROR) != 0) {
            s.append(" E");
        }
        if ((flags & DiameterMessage.FLAG_RETRANSMIT) != 0) {
            s.append(" T");
        }
        return s.toString();
    }
}
