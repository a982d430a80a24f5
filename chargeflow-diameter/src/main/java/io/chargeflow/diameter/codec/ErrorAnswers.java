package io.chargeflow.diameter.codec;

import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.dictionary.AvpType;
import io.chargeflow.diameter.dictionary.Command;
import io.chargeflow.diameter.dictionary.Dictionary;

/**
 * Writes the answer RFC 6733 §7 prescribes for a request that could not be processed: same command, application
 * and identifiers, the E bit for protocol errors (3xxx), Session-Id echoed first, Origin-Host/Realm, Result-Code and
 * a Failed-AVP holding the offending AVP (or, for a missing AVP, one of that code with zero-filled data). Called on
 * the I/O thread that received the request; allocates nothing.
 */
public final class ErrorAnswers {
    private final DiameterAvp cursor = new DiameterAvp();
    private DiameterEncoder encoderRef;

    /**
     * Encodes an answer to {@code request} with {@code resultCode}; {@code validator} (may be null) supplies the
     * Failed-AVP. Returns the answer length written at {@code encoder}'s start.
     */
    public int write(
            DiameterMessage request,
            int resultCode,
            MessageValidator validator,
            CharSequence originHost,
            CharSequence originRealm,
            DiameterEncoder encoder) {
        int flags = request.flags() & DiameterMessage.FLAG_PROXIABLE;
        if (resultCode >= 3000 && resultCode < 4000) {
            flags |= DiameterMessage.FLAG_ERROR;
        }
        encoderRef = encoder;
        encoder.header(
                flags, request.commandCode(), request.applicationId(), request.hopByHopId(), request.endToEndId());
        if (validator == null || validator.failedAvpOffset() < 0 || !sessionIdIsOffending(request, validator)) {
            if (request.find(Avp.SESSION_ID, cursor)) {
                encoder.putOctets(Avp.SESSION_ID, cursor.buffer(), cursor.dataOffset(), cursor.dataLength());
            }
        }
        encoder.putUnsigned32(Avp.RESULT_CODE, resultCode);
        encoder.putUtf8(Avp.ORIGIN_HOST, originHost);
        encoder.putUtf8(Avp.ORIGIN_REALM, originRealm);
        if ((flags & DiameterMessage.FLAG_ERROR) == 0) {
            copyAnswerAvps(request, validator);
        }
        if (validator != null) {
            writeFailedAvp(request, validator, encoder);
        }
        return encoder.finish();
    }

    /**
     * A 5xxx answer keeps the answer grammar of its command (e.g. a CCA carries Auth-Application-Id,
     * CC-Request-Type and CC-Request-Number): the required AVPs the request also carries are echoed from it.
     */
    private void copyAnswerAvps(DiameterMessage request, MessageValidator validator) {
        Command command = Command.find(request.commandCode());
        if (command == null) {
            return;
        }
        int failed = validator == null ? -1 : validator.failedAvpOffset();
        for (Avp required : Dictionary.requiredAvps(command, false)) {
            if (required == Avp.SESSION_ID
                    || required == Avp.RESULT_CODE
                    || required == Avp.ORIGIN_HOST
                    || required == Avp.ORIGIN_REALM) {
                continue;
            }
            if (request.find(required, cursor) && cursor.offset() != failed && lengthOk(required, cursor)) {
                encoderRef.putRawAvp(cursor.buffer(), cursor.offset(), cursor.length());
            }
        }
    }

    private static boolean lengthOk(Avp avp, DiameterAvp cursor) {
        int fixed = avp.type().fixedLength();
        return (fixed < 0 || cursor.dataLength() == fixed) && (cursor.flags() & DiameterAvp.FLAGS_RESERVED) == 0;
    }

    private boolean sessionIdIsOffending(DiameterMessage request, MessageValidator validator) {
        return request.find(Avp.SESSION_ID, cursor) && cursor.offset() == validator.failedAvpOffset();
    }

    private static void writeFailedAvp(DiameterMessage request, MessageValidator validator, DiameterEncoder encoder) {
        Avp missing = validator.missingAvp();
        if (missing != null) {
            int token = encoder.beginGrouped(Avp.FAILED_AVP);
            int fixed = missing.type().fixedLength();
            int dataLength = fixed >= 0 ? fixed : missing.type() == AvpType.ADDRESS ? 6 : 0;
            encoder.putOctets(missing.code(), missing.flags(), missing.vendorId(), ZEROS, 0, dataLength);
            encoder.endGrouped(token);
            return;
        }
        int offset = validator.failedAvpOffset();
        int length = validator.failedAvpLength();
        if (offset >= 0 && length >= DiameterAvp.HEADER_LENGTH) {
            int token = encoder.beginGrouped(Avp.FAILED_AVP);
            // the wire length of a broken AVP may disagree with the bytes present: echo what is there and give it
            // a length that frames, so the answer itself is well formed
            encoder.putRawAvp(request.buffer(), offset, length);
            int copied = encoder.start() + encoder.length() - ((length + 3) & ~3);
            int flagsAndLength = encoder.buffer().getInt(copied + 4);
            encoder.buffer().putInt(copied + 4, (flagsAndLength & 0xff000000) | length);
            if ((flagsAndLength & (DiameterAvp.FLAG_VENDOR << 24)) != 0 && length < DiameterAvp.VENDOR_HEADER_LENGTH) {
                encoder.buffer().put(copied + 4, (byte) ((flagsAndLength >>> 24) & ~DiameterAvp.FLAG_VENDOR));
            }
            encoder.endGrouped(token);
        }
    }

    private static final byte[] ZEROS = new byte[16];
}
