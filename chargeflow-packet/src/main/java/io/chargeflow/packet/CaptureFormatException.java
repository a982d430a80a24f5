package io.chargeflow.packet;

import java.io.IOException;
import java.nio.file.Path;

/** A capture file that cannot be read (further): names the file, the byte offset and the reason. */
public final class CaptureFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long offset;
    private final String reason;

    public CaptureFormatException(Path file, long offset, String reason) {
        super(file + ": at offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }

    public String reason() {
        return reason;
    }
}
