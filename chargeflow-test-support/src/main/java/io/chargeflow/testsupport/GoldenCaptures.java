package io.chargeflow.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The permissively licensed real captures (and their tshark reference files) shipped as resources of this module,
 * listed with their origin in {@code captures/SOURCES.md}. Tests of any module call {@link #path} to get a real file
 * (the resources are extracted once to a temporary directory when they live inside a jar, because readers map files).
 * Thread-safe; called from test threads.
 */
public final class GoldenCaptures {
    private static final String ROOT = "/io/chargeflow/testsupport/captures/";
    private static final String INDEX = "/io/chargeflow/testsupport/captures.index";
    private static final Pattern PACKETS = Pattern.compile("- packets \\(capinfos\\): (\\d+)");

    private static volatile List<String> names;
    private static Path extracted;

    private GoldenCaptures() {}

    /** Every file name (captures and reference files), sorted. */
    public static List<String> names() {
        List<String> result = names;
        if (result == null) {
            result = Collections.unmodifiableList(readLines(INDEX));
            names = result;
        }
        return result;
    }

    /** Only the capture files ({@code .pcap}, {@code .pcapng}), sorted. */
    public static List<String> captureNames() {
        return names().stream()
                .filter(n -> n.endsWith(".pcap") || n.endsWith(".pcapng"))
                .toList();
    }

    /** A real file path of golden file {@code fileName}; fails fast when there is no such file. */
    public static synchronized Path path(String fileName) {
        if (!names().contains(fileName)) {
            throw new IllegalArgumentException("no golden capture fileName=" + fileName);
        }
        URL url = GoldenCaptures.class.getResource(ROOT + fileName);
        if (url == null) {
            throw new IllegalStateException("golden capture resource missing fileName=" + fileName);
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            return extract(fileName);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad resource url=" + url, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The packet count capinfos reported for {@code fileName} (from SOURCES.md), or empty for the files capinfos
     * cannot read.
     */
    public static OptionalInt expectedPackets(String fileName) {
        String text = String.join("\n", readLines(ROOT + "SOURCES.md"));
        int section = text.indexOf("### " + fileName + "\n");
        if (section < 0) {
            throw new IllegalArgumentException("no SOURCES.md section for fileName=" + fileName);
        }
        int end = text.indexOf("\n### ", section + 4);
        Matcher m = PACKETS.matcher(text.substring(section, end < 0 ? text.length() : end));
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /**
     * The expected reader result for an unreadable file (the {@code reader result} line of SOURCES.md, for example
     * {@code pcap: major version 1 unsupported}), or null when the file is readable.
     */
    public static String expectedReaderError(String fileName) {
        String text = String.join("\n", readLines(ROOT + "SOURCES.md"));
        int section = text.indexOf("### " + fileName + "\n");
        int end = text.indexOf("\n### ", section + 4);
        Matcher m = Pattern.compile("reader result \\(expected for this file\\): `\\((.*)\\)`")
                .matcher(text.substring(section, end < 0 ? text.length() : end));
        return m.find() ? m.group(1) : null;
    }

    private static Path extract(String fileName) throws IOException {
        if (extracted == null) {
            extracted = Files.createTempDirectory("chargeflow-golden-");
            extracted.toFile().deleteOnExit();
        }
        Path target = extracted.resolve(fileName);
        if (!Files.exists(target)) {
            try (InputStream in = GoldenCaptures.class.getResourceAsStream(ROOT + fileName)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            target.toFile().deleteOnExit();
        }
        return target;
    }

    private static List<String> readLines(String resource) {
        try (InputStream in = GoldenCaptures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource missing resource=" + resource);
            }
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (!line.isBlank() || !resource.equals(INDEX)) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
