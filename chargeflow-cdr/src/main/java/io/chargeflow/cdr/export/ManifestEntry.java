package io.chargeflow.cdr.export;

/**
 * One line of an export manifest: what a closed export file holds. Immutable.
 *
 * @param file file name, relative to the export directory
 * @param firstSequence localSequenceNumber of its first record
 * @param lastSequence localSequenceNumber of its last record
 * @param count records in it
 * @param sha256 hex SHA-256 of the file's bytes
 */
public record ManifestEntry(String file, long firstSequence, long lastSequence, long count, String sha256) {

    static final String HEADER = "file,firstSequence,lastSequence,count,sha256";

    String line() {
        return file + "," + firstSequence + "," + lastSequence + "," + count + "," + sha256;
    }

    static ManifestEntry parse(String line, int lineNumber) {
        String[] f = line.split(",", -1);
        if (f.length != 5) {
            throw new IllegalStateException("manifest line=" + lineNumber + " has fields=" + f.length + ", want 5");
        }
        return new ManifestEntry(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[4]);
    }
}
