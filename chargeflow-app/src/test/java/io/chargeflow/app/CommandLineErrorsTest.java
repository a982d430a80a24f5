package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's mistake is one clear line and a non-zero exit, never a stack trace. */
class CommandLineErrorsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void captureStderr() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(savedErr);
    }

    private String run(int expectedCode, String... args) {
        int code = Main.execute(args);
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(expectedCode);
        assertThat(text).doesNotContain("\tat ").doesNotContain("Exception:");
        return text;
    }

    @Test
    void shouldNameTheFileWhenCaptureIsMissing() {
        assertThat(run(
                        1,
                        "meter",
                        "--quiet",
                        "--out",
                        dir.resolve("u.csv").toString(),
                        dir.resolve("nope.pcap").toString()))
                .contains("nope.pcap: no such file");
    }

    @Test
    void shouldNameTheJournalWhenItIsMissingOrAFile() throws Exception {
        assertThat(run(1, "cdr", "verify", dir.resolve("none").toString()))
                .isEqualTo("chargeflow: error: " + dir.resolve("none") + ": no such directory (journal)\n");
        err.reset();
        Path file = Files.createFile(dir.resolve("journal.txt"));
        assertThat(run(1, "cdr", "dump", file.toString()))
                .isEqualTo("chargeflow: error: " + file + ": is a file, not a journal directory\n");
    }

    @Test
    void shouldSayEmptyWhenCaptureHasNoBytes() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.pcap"));
        assertThat(run(1, "meter", "--quiet", "--out", dir.resolve("u.csv").toString(), empty.toString()))
                .contains("empty.pcap: empty file");
    }

    @Test
    void shouldSayDirectoryWhenCaptureIsADirectory() {
        assertThat(run(1, "meter", "--quiet", "--out", dir.resolve("u.csv").toString(), dir.toString()))
                .contains("is a directory");
    }

    @Test
    void shouldNameOffsetWhenHeaderIsBroken() throws Exception {
        Path junk = dir.resolve("junk.pcap");
        Files.write(junk, "this is not a capture file at all".getBytes(StandardCharsets.US_ASCII));
        assertThat(run(1, "meter", "--quiet", "--out", dir.resolve("u.csv").toString(), junk.toString()))
                .contains("junk.pcap")
                .contains("offset 0")
                .contains("unknown magic");
    }

    @Test
    void shouldSayWhatIsWrongWithALiveCaptureRequest() {
        assertThat(run(1, "meter", "--quiet")).contains("nothing to meter: give capture files");
        assertThat(run(1, "meter", "--quiet", "--interface", "lo", "a.pcap"))
                .contains("give capture files or --interface, not both");
        assertThat(run(1, "meter", "--quiet", "--count", "5", "a.pcap"))
                .contains("--duration, --count, --filter and --buffer apply to --interface only");
        assertThat(run(1, "meter", "--quiet", "--filter", "udp", "a.pcap"))
                .contains("--duration, --count, --filter and --buffer apply to --interface only");
        assertThat(run(1, "meter", "--quiet", "--buffer", "128", "a.pcap"))
                .contains("--duration, --count, --filter and --buffer apply to --interface only");
        assertThat(run(1, "meter", "--quiet", "--interface", "lo", "--buffer", "0"))
                .contains("buffer=0 MiB must be 1..2047");
        assertThat(run(1, "meter", "--quiet", "--interface", "lo", "--snaplen", "10"))
                .contains("snaplen=10 must be 64..262144");
        assertThat(run(1, "meter", "--quiet", "--interface", "no-such-if0", "--duration", "1s"))
                .contains("--interface no-such-if0: ");
        assertThat(run(1, "meter", "--quiet", "--interface", "lo", "--interface", "lo", "--duration", "1s"))
                .contains("interface lo is named twice (its frames would be charged twice)");
    }

    @Test
    void shouldRejectBadOptionValuesWithTheirNames() throws Exception {
        assertThat(run(1, "meter", "--quiet", "--side-rule", "vlan:x=subscriber", "a.pcap"))
                .contains("rule=vlan:x=subscriber");
        assertThat(run(1, "meter", "--quiet", "--default-side", "sideways", "a.pcap"))
                .contains("side=sideways");
        assertThat(run(1, "meter", "--quiet", "--metrics", "localhost:http", "a.pcap"))
                .contains("--metrics=localhost:http must be HOST:PORT");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(run(1, "meter", "--quiet", "--metrics", "127.0.0.1:" + taken.getLocalPort(), "a.pcap"))
                    .contains("--metrics 127.0.0.1:" + taken.getLocalPort() + ": cannot listen");
        }
        assertThat(run(1, "meter", "--quiet", "--usage-every", "0", "a.pcap"))
                .contains("--usage-every must be positive");
        assertThat(run(1, "meter", "--quiet", "--export", dir.resolve("x").toString(), "a.pcap"))
                .contains("--export needs --journal DIR");
        assertThat(run(1, "meter", "--quiet", "--journal", dir.resolve("j").toString(), "--prune-exported", "a.pcap"))
                .contains("--prune-exported needs --export DIR");
        // a journal another writer holds (a meter still running on it): refused, naming the holder
        Path held = dir.resolve("held");
        try (io.chargeflow.cdr.journal.JournalWriter writer = io.chargeflow.cdr.journal.JournalWriter.open(
                io.chargeflow.cdr.journal.JournalContext.defaults(held, io.chargeflow.cdr.journal.AckListener.NONE))) {
            assertThat(run(1, "meter", "--quiet", "--journal", held.toString(), "a.pcap"))
                    .contains("--journal " + held + " is in use by another writer (pid="
                            + ProcessHandle.current().pid());
            assertThat(run(
                            1,
                            "cdr",
                            "export",
                            held.toString(),
                            "--out",
                            dir.resolve("e").toString()))
                    .contains("a running meter exports its CDRs with --export DIR");
        }
        assertThat(run(1, "meter", "--quiet", "--direction", "sideways", "a.pcap"))
                .contains("direction='sideways' must be in, out or both");
        assertThat(run(1, "meter", "--quiet", "--side-rule", "ifindex:0=network", "a.pcap"))
                .contains("ifindex=0 must be an interface index of 1 or more");
        assertThat(run(1, "meter", "--quiet", "--ipv6-prefix", "200", "a.pcap")).contains("ipv6-prefix=200");
        assertThat(run(1, "meter", "--quiet", "--processors", "0", "a.pcap")).contains("processors=0");
        assertThat(run(1, "meter", "--quiet", "--subscriber-pool", "10.0.0.0/40", "a.pcap"))
                .contains("subscriber-pool=10.0.0.0/40");
        String journal = dir.resolve("journal").toString();
        assertThat(run(1, "meter", "--quiet", "--journal", journal, "--cdr-volume-limit", "-5", "a.pcap"))
                .contains("--cdr-volume-limit=-5");
        assertThat(run(1, "meter", "--quiet", "--journal", journal, "--cdr-max-containers", "65", "a.pcap"))
                .contains("--cdr-max-containers=65 must be 0 (unlimited) to 64");
        assertThat(run(1, "meter", "--quiet", "--journal", journal, "--cdr-time-limit", "-1s", "a.pcap"))
                .contains("--cdr-time-limit");
        assertThat(run(2, "meter", "--idle-timeout", "soon", "a.pcap")).contains("'soon' is not a duration");
        assertThat(run(2, "meter", "--no-such-option", "a.pcap")).contains("Unknown option");
    }

    @Test
    void shouldNameFileAndLineWhenRulesAreBroken() throws Exception {
        Path rules = dir.resolve("bad.rules");
        Files.writeString(rules, "web: rg=10 proto=tcp\nvideo: rg=x\ndefault: rg=1\n");
        Path capture = io.chargeflow.testsupport.GoldenCaptures.path("zeek_http_get.pcap");
        assertThat(run(
                        1,
                        "meter",
                        "--quiet",
                        "--rules",
                        rules.toString(),
                        "--out",
                        dir.resolve("u.csv").toString(),
                        capture.toString()))
                .contains("bad.rules:2: rg=x is not a number");
    }
}
