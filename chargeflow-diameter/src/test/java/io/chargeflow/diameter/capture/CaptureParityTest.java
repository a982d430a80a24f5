package io.chargeflow.diameter.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.codec.DiameterPrinter;
import io.chargeflow.diameter.codec.MessageValidator;
import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.dictionary.AvpType;
import io.chargeflow.diameter.dictionary.Dictionary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real captures of ../shared/data/captures decode in chargeflow with the values tshark printed
 * ({@code F.diameter.txt}): command, R flag, application, and every AVP listed (Session-Id, Result-Code,
 * Experimental-Result-Code, CC-Request-Type/Number, the service-unit groups with their nested AVPs). The files are
 * read from the shared directory only (some are LGPL/AGPL); the test is skipped when it is absent.
 */
class CaptureParityTest {
    private static final Pattern FRAME = Pattern.compile("^frame \\d+: message \\d+$");
    private static final Pattern COMMAND = Pattern.compile("^\\s+Command Code: .*\\((\\d+)\\)$");
    private static final Pattern APPLICATION = Pattern.compile("^\\s+ApplicationId: .*\\((\\d+)\\)$");
    private static final Pattern AVP_LINE = Pattern.compile("^\\s+AVP: [^(]*\\((\\d+)\\)(?: val=(.*))?$");
    private static final Pattern TRAILING_NUMBER = Pattern.compile(".*\\((-?\\d+)\\)$");

    record Expected(boolean request, int command, long application, List<long[]> codes, List<String> values) {}

    @ParameterizedTest
    @ValueSource(
            strings = {
                "diafuzzer_cx.pcap",
                "diafuzzer_s6a_perso.pcap",
                "ndpi_diameter_gy.pcap",
                "pkts_diameter_s6a_gx.pcap",
                "open5gs_testattach.pcapng",
                "open5gs_volte.pcapng"
            })
    void shouldDecodeCaptureWithTheValuesTsharkPrints(String name) throws IOException {
        String shared = System.getProperty("chargeflow.shared.dir");
        assumeTrue(
                shared != null && Files.isDirectory(Path.of(shared, "data", "captures")),
                "../shared/data/captures is absent (chargeflow.shared.dir=" + shared + "): capture parity skipped");
        Path capture = Path.of(shared, "data", "captures", name);
        List<Expected> expected = parse(Files.readAllLines(Path.of(capture + ".diameter.txt")));
        List<byte[]> messages = CaptureReader.diameterMessages(capture);

        assertThat(messages).as(name + " message count").hasSize(expected.size());
        MessageValidator validator = new MessageValidator();
        for (int i = 0; i < messages.size(); i++) {
            DiameterMessage message =
                    new DiameterMessage().wrap(ByteBuffer.wrap(messages.get(i)), 0, messages.get(i).length);
            Expected e = expected.get(i);
            String where = name + " message " + (i + 1) + ":\n" + message;
            assertThat(validator.validate(message)).as(where).isIn(2001, 5005, 5001);
            assertThat(validator.framingLost()).as(where).isFalse();
            assertThat(message.isRequest()).as(where).isEqualTo(e.request());
            assertThat(message.commandCode()).as(where).isEqualTo(e.command());
            assertThat(message.applicationId() & 0xffffffffL).as(where).isEqualTo(e.application());
            List<DiameterAvp> flat = preorder(message);
            int[] seen = new int[1 << 16];
            for (int k = 0; k < e.codes().size(); k++) {
                int code = (int) e.codes().get(k)[0];
                int occurrence = seen[code & 0xffff]++;
                DiameterAvp avp = nth(flat, code, occurrence);
                assertThat(avp).as(where + " AVP " + code + " #" + occurrence).isNotNull();
                String tsharkValue = e.values().get(k);
                if (tsharkValue != null) {
                    assertThat(ours(avp)).as(where + " AVP " + code).isEqualTo(normalise(tsharkValue));
                }
            }
        }
    }

    private static List<Expected> parse(List<String> lines) {
        List<Expected> out = new ArrayList<>();
        boolean request = false;
        int command = -1;
        long application = -1;
        List<long[]> codes = null;
        List<String> values = null;
        for (String line : lines) {
            if (FRAME.matcher(line).matches()) {
                if (codes != null) {
                    out.add(new Expected(request, command, application, codes, values));
                }
                codes = new ArrayList<>();
                values = new ArrayList<>();
                continue;
            }
            if (codes == null) {
                continue;
            }
            Matcher m;
            if (line.contains("= Request: ")) {
                request = line.trim().startsWith("1");
            } else if ((m = COMMAND.matcher(line)).matches()) {
                command = Integer.parseInt(m.group(1));
            } else if ((m = APPLICATION.matcher(line)).matches()) {
                application = Long.parseLong(m.group(1));
            } else if ((m = AVP_LINE.matcher(line)).matches()) {
                codes.add(new long[] {Long.parseLong(m.group(1))});
                values.add(m.group(2));
            }
        }
        if (codes != null) {
            out.add(new Expected(request, command, application, codes, values));
        }
        return out;
    }

    private static List<DiameterAvp> preorder(DiameterMessage message) {
        List<DiameterAvp> flat = new ArrayList<>();
        DiameterAvp cursor = new DiameterAvp();
        for (boolean more = cursor.first(message); more; more = cursor.next()) {
            collect(cursor, flat);
        }
        return flat;
    }

    private static void collect(DiameterAvp avp, List<DiameterAvp> flat) {
        DiameterAvp copy = new DiameterAvp();
        copy.at(avp.buffer(), avp.offset(), avp.limit());
        flat.add(copy);
        Avp definition = Dictionary.find(avp.code(), avp.vendorId());
        if (definition != null && definition.type() == AvpType.GROUPED) {
            DiameterAvp child = new DiameterAvp();
            for (boolean more = child.firstChild(avp); more; more = child.next()) {
                collect(child, flat);
            }
        }
    }

    private static DiameterAvp nth(List<DiameterAvp> flat, int code, int occurrence) {
        int n = 0;
        for (DiameterAvp avp : flat) {
            if (avp.code() == code && n++ == occurrence) {
                return avp;
            }
        }
        return null;
    }

    private static String ours(DiameterAvp avp) {
        Avp definition = Dictionary.find(avp.code(), avp.vendorId());
        if (definition == null) {
            return "0x" + java.util.HexFormat.of().formatHex(avp.getBytes());
        }
        return normalise(DiameterPrinter.value(avp, definition));
    }

    /** "NAME (2001)" and "2001" compare equal: names differ between dictionaries, numbers do not. */
    private static String normalise(String value) {
        Matcher m = TRAILING_NUMBER.matcher(value);
        return m.matches() ? m.group(1) : value;
    }
}
