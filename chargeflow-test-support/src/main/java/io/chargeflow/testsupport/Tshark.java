package io.chargeflow.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system's tshark as an independent oracle for decoder tests. {@link #available()} tells whether it is
 * installed (tests skip themselves otherwise); {@link #fields} returns one row per frame of
 * {@code tshark -n -T fields}, each field's occurrences joined by commas. Called from test threads.
 */
public final class Tshark {
    private static volatile Boolean available;

    private Tshark() {}

    /** Whether {@code tshark} runs on this machine. */
    public static boolean available() {
        Boolean result = available;
        if (result == null) {
            try {
                Process p = new ProcessBuilder("tshark", "-v")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                result = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                result = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = false;
            }
            available = result;
        }
        return result;
    }

    /**
     * One row per frame: the values of {@code fields} ({@code ip.src}, {@code frame.len}...), an absent field as
     * the empty string, several occurrences joined by commas. Reassembly of IP fragments is switched off so that
     * every frame shows its own headers.
     */
    public static List<String[]> fields(Path capture, String... fields) throws IOException {
        if (fields.length == 0) {
            throw new IllegalArgumentException("fields.length=0");
        }
        List<String> command = new ArrayList<>(List.of(
                "tshark",
                "-r",
                capture.toString(),
                "-n",
                "-o",
                "ip.defragment:FALSE",
                "-o",
                "ipv6.defragment:FALSE",
                "-T",
                "fields",
                "-E",
                "separator=/t",
                "-E",
                "occurrence=a",
                "-E",
                "aggregator=,"));
        for (String field : fields) {
            command.add("-e");
            command.add(field);
        }
        Path out = Files.createTempFile("tshark-", ".txt");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("tshark timed out on capture=" + capture);
            }
            List<String[]> rows = new ArrayList<>();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                rows.add(line.split("\t", -1));
            }
            return rows;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running tshark on capture=" + capture, e);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
