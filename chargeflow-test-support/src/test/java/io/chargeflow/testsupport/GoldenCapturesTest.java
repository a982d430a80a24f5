package io.chargeflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldenCapturesTest {
    @Test
    void shouldListOnlyPermissivelyLicensedCapturesWhenAskingNames() {
        assertThat(GoldenCaptures.captureNames()).hasSize(51);
        assertThat(GoldenCaptures.names()).hasSize(116).contains("ppp_gtp-u.pcap.endpoints.txt");
        assertThat(GoldenCaptures.names())
                .noneMatch(n -> n.startsWith("ndpi_") || n.startsWith("open5gs_") || n.startsWith("heplify_"));
    }

    @Test
    void shouldReturnRealFileWhenAskingPath() throws IOException {
        Path path = GoldenCaptures.path("tcpdump_empty.pcapng");

        assertThat(Files.size(path)).isEqualTo(48);
        assertThatThrownBy(() -> GoldenCaptures.path("nope.pcap"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no golden capture fileName=nope.pcap");
    }

    @Test
    void shouldReadCountsAndReasonsFromSourcesWhenAsked() {
        assertThat(GoldenCaptures.expectedPackets("ppp_example.pcap")).hasValue(4631);
        assertThat(GoldenCaptures.expectedPackets("tcpdump_empty.pcapng")).hasValue(0);
        assertThat(GoldenCaptures.expectedPackets("pkts_cool.pcap")).isEmpty();
        assertThat(GoldenCaptures.expectedReaderError("libpcap_pcap-invalid-version-1.pcap"))
                .isEqualTo("pcap: major version 1 unsupported");
        assertThat(GoldenCaptures.expectedReaderError("ppp_gtp.pcap")).isNull();
    }

    @Test
    void shouldFindSharedCapturesWhenPropertyPointsAtThem(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("data/captures"));
        String previous = System.getProperty(SharedData.PROPERTY);
        try {
            System.setProperty(SharedData.PROPERTY, dir.toString());
            assertThat(SharedData.captures()).contains(dir.resolve("data/captures"));
            assertThat(SharedData.assumeCaptures()).isEqualTo(dir.resolve("data/captures"));
        } finally {
            if (previous == null) {
                System.clearProperty(SharedData.PROPERTY);
            } else {
                System.setProperty(SharedData.PROPERTY, previous);
            }
        }
    }

    @Test
    void shouldBuildExactBytesWhenFrameIsSimple() {
        byte[] frame = CaptureBuilder.frame()
                .ethernet()
                .ipv4("10.0.0.1", "10.0.0.2")
                .udp(1, 2)
                .payload(2)
                .build();

        assertThat(frame).hasSize(14 + 20 + 8 + 2);
        assertThat(frame[12]).isEqualTo((byte) 0x08);
        assertThat(frame[14]).isEqualTo((byte) 0x45);
        assertThat(frame[14 + 3]).isEqualTo((byte) 30);
        assertThat(frame[14 + 9]).isEqualTo((byte) 17);
        // header checksum verifies to 0xFFFF
        int sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += ((frame[i] & 0xFF) << 8) | (frame[i + 1] & 0xFF);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        assertThat(sum).isEqualTo(0xFFFF);
        assertThat(frame[34 + 5]).isEqualTo((byte) 10);
    }
}
