package io.chargeflow.packet;

/**
 * What a {@link CaptureSource} read: frames delivered, frames cut short by the snaplen, records skipped as
 * broken, and bytes of the file consumed. Written by the reader thread only.
 */
public final class CaptureStats {
    public long frames;
    public long truncatedFrames;
    public long capturedBytes;
    public long brokenRecords;
    public long skippedBlocks;
    public long fileBytesRead;
    /** Offset and reason of the first broken record, for the summary; null when none. */
    public String firstProblem;

    public void recordProblem(String where) {
        if (firstProblem == null) {
            firstProblem = where;
        }
    }

    @Override
    public String toString() {
        return "frames=" + frames + " truncated=" + truncatedFrames + " brokenRecords=" + brokenRecords
                + " skippedBlocks=" + skippedBlocks + " capturedBytes=" + capturedBytes;
    }
}
