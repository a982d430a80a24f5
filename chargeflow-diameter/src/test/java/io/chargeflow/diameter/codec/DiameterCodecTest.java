package io.chargeflow.diameter.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.dictionary.ResultCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class DiameterCodecTest {
    private final DiameterEncoder enc = new DiameterEncoder();
    private final DiameterMessage msg = new DiameterMessage();
    private final DiameterAvp avp = new DiameterAvp();
    private final DiameterAvp child = new DiameterAvp();
    private final DiameterAvp grandChild = new DiameterAvp();
    private final MessageValidator validator = new MessageValidator();

    @Test
    void shouldDecodeHeaderAndAvpsWhenCcrUpdateIsEncoded() {
        ByteBuffer buf = GyMessages.buffer(2048);
        int length = GyMessages.ccrUpdate(enc.wrap(buf, 0), 3, 0x11223344);
        msg.wrap(buf, 0, length);

        assertThat(validator.validate(msg)).isEqualTo(ResultCode.SUCCESS);
        assertThat(msg.version()).isEqualTo(1);
        assertThat(msg.messageLength()).isEqualTo(length);
        assertThat(length % 4).isZero();
        assertThat(msg.isRequest()).isTrue();
        assertThat(msg.isProxiable()).isTrue();
        assertThat(msg.commandCode()).isEqualTo(272);
        assertThat(msg.applicationId()).isEqualTo(4);
        assertThat(msg.hopByHopId()).isEqualTo(0x11223344);
        assertThat(msg.endToEndId()).isEqualTo(0x5a000000 | 0x11223344);
        assertThat(msg.find(Avp.SESSION_ID, avp)).isTrue();
        assertThat(avp.getString()).isEqualTo("pgw.example.net;1700000000;42;subscriber-001");
        assertThat(avp.contentEquals("pgw.example.net;1700000000;42;subscriber-001"))
                .isTrue();
        assertThat(msg.find(Avp.CC_REQUEST_TYPE, avp)).isTrue();
        assertThat(avp.getInteger32()).isEqualTo(2);
        assertThat(msg.find(Avp.EVENT_TIMESTAMP, avp)).isTrue();
        assertThat(avp.getTimeUnixMs()).isEqualTo(1_763_800_000_000L);

        int services = 0;
        boolean found = msg.find(Avp.MULTIPLE_SERVICES_CREDIT_CONTROL, avp);
        while (found) {
            assertThat(avp.findChild(Avp.RATING_GROUP, child)).isTrue();
            assertThat(child.getUnsigned32()).isEqualTo(100 + services);
            assertThat(avp.findChild(Avp.USED_SERVICE_UNIT, child)).isTrue();
            assertThat(child.findChild(Avp.CC_TOTAL_OCTETS, grandChild)).isTrue();
            assertThat(grandChild.getInteger64()).isEqualTo(1_000_000L * (services + 1));
            assertThat(avp.findChild(Avp.REPORTING_REASON, child)).isTrue();
            assertThat(child.isVendorSpecific()).isTrue();
            assertThat(child.vendorId()).isEqualTo(10415);
            assertThat(child.getInteger32()).isEqualTo(4);
            services++;
            found = avp.next() && avp.seek(Avp.MULTIPLE_SERVICES_CREDIT_CONTROL.code(), 0);
        }
        assertThat(services).isEqualTo(3);
    }

    @Test
    void shouldPadAvpsAndPatchGroupedLengthsWhenEncoding() {
        ByteBuffer buf = GyMessages.buffer(256);
        enc.wrap(buf, 0).header(0x80, 280, 0, 1, 2);
        enc.putUtf8(Avp.ORIGIN_HOST, "abcde");
        int g = enc.beginGrouped(Avp.SUBSCRIPTION_ID);
        enc.putUtf8(Avp.SUBSCRIPTION_ID_DATA, "x");
        enc.endGrouped(g);
        int length = enc.finish();
        // header 20 + Origin-Host (8 + 5, padded to 16) + Subscription-Id (8 + child 9 padded to 12)
        assertThat(length).isEqualTo(20 + 16 + 20);
        assertThat(buf.getInt(20 + 4) & 0xffffff).isEqualTo(13);
        assertThat(buf.get(20 + 13)).isZero();
        assertThat(buf.getInt(36 + 4) & 0xffffff).isEqualTo(20);
        assertThat(buf.get(36 + 4) & 0xff).isEqualTo(0x40);
    }

    @Test
    void shouldEncodeNonAsciiUtf8WhenTextHasMultibyteChars() {
        ByteBuffer buf = GyMessages.buffer(256);
        enc.wrap(buf, 0).header(0x80, 280, 0, 1, 2);
        enc.putUtf8(Avp.ORIGIN_HOST, "h\u00e9\u20ac\uD83D\uDE00");
        msg.wrap(buf, 0, enc.finish());
        assertThat(msg.find(Avp.ORIGIN_HOST, avp)).isTrue();
        assertThat(avp.getString()).isEqualTo("h\u00e9\u20ac\uD83D\uDE00");
        assertThat(avp.dataLength()).isEqualTo(1 + 2 + 3 + 4);
    }

    @Test
    void shouldRejectCallerMistakesWithNameValueMessages() {
        assertThatThrownBy(() -> msg.wrap(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN), 0, 8))
                .hasMessageContaining("buffer.order=LITTLE_ENDIAN");
        assertThatThrownBy(() -> msg.wrap(ByteBuffer.allocate(8), 4, 8)).hasMessage("offset=4 length=8 capacity=8");
        assertThatThrownBy(() -> {
                    enc.wrap(ByteBuffer.allocate(24), 0).header(0x80, 280, 0, 1, 2);
                    enc.putUtf8(Avp.ORIGIN_HOST, "too long for the buffer");
                })
                .hasMessageContaining("encoder buffer full: capacity=24");
    }

    @Test
    void shouldPrintAvpNamesAndEnumNamesWhenPrinting() {
        ByteBuffer buf = GyMessages.buffer(2048);
        msg.wrap(buf, 0, GyMessages.ccaUpdate(enc.wrap(buf, 0), 1, 9));
        String text = msg.toString();
        assertThat(text).startsWith("Credit-Control CCA (272) answer P app=Diameter Credit Control Application");
        assertThat(text).contains("  Result-Code(268) M = DIAMETER_SUCCESS (2001)\n");
        assertThat(text).contains("    Granted-Service-Unit(431) M\n      CC-Total-Octets(421) M = 10000000\n");
        assertThat(text).contains("      Final-Unit-Action(449) M = REDIRECT (1)\n");
        assertThat(text).contains("      Trigger-Type(870,v=10415) M = CHANGE_IN_RAT (4)\n");
    }

    @Test
    void shouldAnswerInvalidAvpLengthWithFailedAvpWhenUnsigned32HasFiveBytes() {
        ByteBuffer buf = GyMessages.buffer(512);
        enc.wrap(buf, 0).header(0x80, 280, 0, 1, 2);
        enc.putUtf8(Avp.ORIGIN_HOST, "a.example");
        enc.putUtf8(Avp.ORIGIN_REALM, "example");
        enc.putOctets(Avp.ORIGIN_STATE_ID, new byte[] {1, 2, 3, 4, 5});
        msg.wrap(buf, 0, enc.finish());

        assertThat(validator.validate(msg)).isEqualTo(ResultCode.DIAMETER_INVALID_AVP_LENGTH.code());
        assertThat(validator.framingLost()).isFalse();
        assertThat(validator.failedAvpLength()).isEqualTo(13);

        ByteBuffer out = GyMessages.buffer(512);
        int answerLength = new ErrorAnswers()
                .write(msg, validator.resultCode(), validator, "me.example", "example", enc.wrap(out, 0));
        DiameterMessage answer = new DiameterMessage().wrap(out, 0, answerLength);
        assertThat(validator.validate(answer)).isEqualTo(ResultCode.SUCCESS);
        assertThat(answer.isRequest()).isFalse();
        assertThat(answer.isError()).isFalse();
        assertThat(answer.hopByHopId()).isEqualTo(1);
        assertThat(answer.find(Avp.RESULT_CODE, avp)).isTrue();
        assertThat(avp.getUnsigned32()).isEqualTo(5014);
        assertThat(answer.find(Avp.FAILED_AVP, avp)).isTrue();
        assertThat(avp.findChild(Avp.ORIGIN_STATE_ID, child)).isTrue();
        assertThat(child.dataLength()).isEqualTo(5);
    }

    @Test
    void shouldAnswerAvpUnsupportedWhenUnknownAvpHasMandatoryBit() {
        ByteBuffer buf = GyMessages.buffer(512);
        enc.wrap(buf, 0).header(0x80, 280, 0, 1, 2);
        enc.putUtf8(Avp.ORIGIN_HOST, "a.example");
        enc.putUtf8(Avp.ORIGIN_REALM, "example");
        enc.putInteger32(99_999, 0x00, 0, 1);
        msg.wrap(buf, 0, enc.finish());
        assertThat(validator.validate(msg)).isEqualTo(ResultCode.SUCCESS);

        enc.putInteger32(99_998, 0x40, 0, 1);
        msg.wrap(buf, 0, enc.finish());
        assertThat(validator.validate(msg)).isEqualTo(ResultCode.DIAMETER_AVP_UNSUPPORTED.code());
        avp.at(buf, validator.failedAvpOffset(), msg.avpLimit());
        assertThat(avp.code()).isEqualTo(99_998);
    }

    @Test
    void shouldAnswerMissingAvpWithAnAvpOfThatCodeWhenDwrLacksOriginRealm() {
        ByteBuffer buf = GyMessages.buffer(512);
        enc.wrap(buf, 0).header(0x80, 280, 0, 1, 2);
        enc.putUtf8(Avp.ORIGIN_HOST, "a.example");
        msg.wrap(buf, 0, enc.finish());
        assertThat(validator.validate(msg)).isEqualTo(ResultCode.DIAMETER_MISSING_AVP.code());
        assertThat(validator.missingAvp()).isEqualTo(Avp.ORIGIN_REALM);

        ByteBuffer out = GyMessages.buffer(512);
        int n = new ErrorAnswers().write(msg, 5005, validator, "me", "realm", enc.wrap(out, 0));
        DiameterMessage answer = new DiameterMessage().wrap(out, 0, n);
        assertThat(answer.find(Avp.FAILED_AVP, avp)).isTrue();
        assertThat(avp.findChild(Avp.ORIGIN_REALM, child)).isTrue();
        assertThat(child.dataLength()).isZero();
    }

    @Test
    void shouldAnswerInvalidAvpBitsWhenReservedAvpFlagIsSet() {
        ByteBuffer buf = GyMessages.buffer(512);
        enc.wrap(buf, 0).header(0x80, 280, 0, 1, 2);
        enc.putUtf8(Avp.ORIGIN_HOST, "a.example");
        enc.putUtf8(Avp.ORIGIN_REALM, "example");
        enc.putInteger32(Avp.ORIGIN_STATE_ID.code(), 0x41, 0, 1);
        msg.wrap(buf, 0, enc.finish());
        assertThat(validator.validate(msg)).isEqualTo(ResultCode.DIAMETER_INVALID_AVP_BITS.code());

        ByteBuffer out = GyMessages.buffer(512);
        int n = new ErrorAnswers().write(msg, 3009, validator, "me", "realm", enc.wrap(out, 0));
        assertThat(new DiameterMessage().wrap(out, 0, n).isError()).isTrue();
    }

    @Test
    void shouldReportFramingLostWhenVersionOrLengthIsWrong() {
        ByteBuffer buf = GyMessages.buffer(64);
        enc.wrap(buf, 0).header(0x80, 280, 0, 1, 2);
        int n = enc.finish();
        buf.put(0, (byte) 2);
        assertThat(validator.validate(msg.wrap(buf, 0, n))).isEqualTo(5011);
        assertThat(validator.framingLost()).isTrue();
        buf.putInt(0, (1 << 24) | 22);
        assertThat(validator.validate(msg.wrap(buf, 0, n))).isEqualTo(5015);
        assertThat(validator.framingLost()).isTrue();
        buf.putInt(0, (1 << 24) | 20);
        buf.put(4, (byte) 0x81);
        assertThat(validator.validate(msg.wrap(buf, 0, n))).isEqualTo(3008);
        assertThat(validator.framingLost()).isFalse();
    }

    @Test
    void shouldAnswerInvalidAvpLengthWhenAvpRunsPastTheMessage() {
        ByteBuffer buf = GyMessages.buffer(512);
        enc.wrap(buf, 0).header(0x80, 280, 0, 1, 2);
        enc.putUtf8(Avp.ORIGIN_HOST, "a.example");
        enc.putUtf8(Avp.ORIGIN_REALM, "example");
        int n = enc.finish();
        buf.putInt(20 + 4, (0x40 << 24) | 200);
        assertThat(validator.validate(msg.wrap(buf, 0, n))).isEqualTo(5014);
        assertThat(validator.failedAvpOffset()).isEqualTo(20);
        ByteBuffer out = GyMessages.buffer(512);
        int answerLength = new ErrorAnswers().write(msg, 5014, validator, "me", "realm", enc.wrap(out, 0));
        assertThat(validator.validate(new DiameterMessage().wrap(out, 0, answerLength)))
                .isEqualTo(2001);
    }
}
