package io.chargeflow.diameter.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterEncoder;
import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.peer.AnswerContext;
import io.chargeflow.diameter.peer.DiameterNode;
import io.chargeflow.diameter.peer.DiameterNodeContext;
import io.chargeflow.diameter.peer.PeerConfig;
import io.chargeflow.diameter.transport.NettyTransport;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every message chargeflow emits in a captured exchange (CER/CEA, CCR/CCA initial, update with 3 MSCC and
 * termination, ACR/ACA, RAR/RAA, DWR/DWA, an error answer with Failed-AVP, DPR/DPA) is written into a pcap and
 * dissected by tshark: every message is recognised and no frame is malformed or carries a warning/error expert item.
 * Skipped with a message when tshark is not installed.
 */
class TsharkDissectorTest {
    @TempDir
    Path dir;

    @Test
    void shouldDissectEveryEmittedMessageWithoutMalformedOrExpertErrors() throws Exception {
        assumeTrue(onPath("tshark"), "tshark is not installed (apt-get install tshark): dissector check skipped");
        List<RecordingTransport.Sent> sent = new CopyOnWriteArrayList<>();
        DiameterNodeContext serverContext = new DiameterNodeContext()
                .originHost("ocs.example.net")
                .originRealm("example.net")
                .authApplication(4)
                .acctApplication(3)
                .ioThreads(1)
                .listen("127.0.0.1", 0, false)
                .allowPeer("pgw.example.net", "*");
        DiameterNode server =
                new DiameterNode(serverContext, new RecordingTransport(new NettyTransport(1, null), sent)).start();
        server.registerHandler(4, (request, answer) -> answerCredit(request, answer));
        server.registerHandler(
                3,
                (request, answer) -> answer.answer(2001, e -> {
                    e.putInteger32(Avp.ACCOUNTING_RECORD_TYPE, 2);
                    e.putUnsigned32(Avp.ACCOUNTING_RECORD_NUMBER, 0);
                }));
        PeerConfig peer = PeerConfig.of("127.0.0.1", server.listenPort(), "ocs.example.net", "example.net");
        DiameterNodeContext clientContext = new DiameterNodeContext()
                .originHost("pgw.example.net")
                .originRealm("pgw.example.net")
                .authApplication(4)
                .acctApplication(3)
                .ioThreads(1)
                .peer(peer)
                .vendorSpecificAuthApplication(10415, 16777238);
        DiameterNode client =
                new DiameterNode(clientContext, new RecordingTransport(new NettyTransport(1, null), sent)).start();
        client.registerHandler(
                4, (request, answer) -> answer.answer(2001, e -> e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4)));
        try {
            client.whenOpen(peer).get(5, TimeUnit.SECONDS);
            for (int type = 1; type <= 3; type++) {
                int requestType = type;
                client.send("example.net", 4, 272, e -> ccr(e, requestType)).get(5, TimeUnit.SECONDS);
            }
            client.send("example.net", 3, 271, e -> {
                        e.putUtf8(Avp.SESSION_ID, "pgw.example.net;acct;1");
                        e.putInteger32(Avp.ACCOUNTING_RECORD_TYPE, 2);
                        e.putUnsigned32(Avp.ACCOUNTING_RECORD_NUMBER, 0);
                        e.putUnsigned32(Avp.ACCT_APPLICATION_ID, 3);
                    })
                    .get(5, TimeUnit.SECONDS);
            client.send("example.net", 4, 272, e -> {
                        ccr(e, 2);
                        e.putInteger32(99_999, 0x40, 0, 7); // unknown M-bit AVP: answered 5001 with Failed-AVP
                    })
                    .get(5, TimeUnit.SECONDS);
            server.send("pgw.example.net", 4, 258, e -> {
                        e.putUtf8(Avp.SESSION_ID, "pgw.example.net;1700000000;42");
                        e.putUtf8(Avp.DESTINATION_HOST, "pgw.example.net");
                        e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
                        e.putInteger32(Avp.RE_AUTH_REQUEST_TYPE, 0);
                    })
                    .get(5, TimeUnit.SECONDS);
            client.watchdog(peer).get(5, TimeUnit.SECONDS);
            client.disconnect(peer).get(5, TimeUnit.SECONDS);
        } finally {
            client.close();
            server.close();
        }

        int serverPort = server.listenPort();
        PcapWriter pcap = new PcapWriter();
        for (RecordingTransport.Sent s : sent) {
            pcap.add(remap(s.from(), serverPort), remap(s.to(), serverPort), s.message());
        }
        Path file = dir.resolve("chargeflow-emitted.pcap");
        pcap.write(file);

        String commands = run(
                "tshark",
                "-r",
                file.toString(),
                "-Y",
                "diameter",
                "-T",
                "fields",
                "-e",
                "diameter.cmd.code",
                "-e",
                "diameter.flags.request");
        assertThat(commands.lines().count()).as(commands).isEqualTo(sent.size());
        assertThat(commands)
                .contains(
                        "257\t1", "257\t0", "272\t1", "272\t0", "271\t1", "271\t0", "258\t1", "258\t0", "280\t1",
                        "280\t0", "282\t1", "282\t0");
        String problems = run(
                "tshark",
                "-r",
                file.toString(),
                "-Y",
                "_ws.malformed || _ws.expert.severity >= 0x00600000",
                "-T",
                "fields",
                "-e",
                "frame.number",
                "-e",
                "_ws.expert.message");
        // the request that carries the unknown AVP on purpose, and the answer echoing it in Failed-AVP, are flagged
        // for it, and only for it
        List<String> unexpected =
                problems.lines().filter(l -> !l.contains("Unknown AVP 99999")).toList();
        assertThat(unexpected)
                .as(run("tshark", "-r", file.toString(), "-V", "-Y", "diameter"))
                .isEmpty();
        assertThat(problems.lines().count()).as(problems).isEqualTo(2);
        String failedAvp = run(
                "tshark",
                "-r",
                file.toString(),
                "-Y",
                "diameter.Failed-AVP",
                "-T",
                "fields",
                "-e",
                "diameter.Result-Code");
        assertThat(failedAvp.trim()).isEqualTo("5001");
        String mscc = run(
                "tshark",
                "-r",
                file.toString(),
                "-Y",
                "diameter.cmd.code == 272",
                "-T",
                "fields",
                "-e",
                "diameter.Rating-Group");
        assertThat(mscc).contains("100,101,102");
    }

    private static void ccr(DiameterEncoder e, int requestType) {
        e.putUtf8(Avp.SESSION_ID, "pgw.example.net;1700000000;42");
        e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
        e.putUtf8(Avp.SERVICE_CONTEXT_ID, "32251@3gpp.org");
        e.putInteger32(Avp.CC_REQUEST_TYPE, requestType);
        e.putUnsigned32(Avp.CC_REQUEST_NUMBER, requestType - 1);
        e.putTime(Avp.EVENT_TIMESTAMP, 1_763_800_000_000L);
        int sub = e.beginGrouped(Avp.SUBSCRIPTION_ID);
        e.putInteger32(Avp.SUBSCRIPTION_ID_TYPE, 1);
        e.putUtf8(Avp.SUBSCRIPTION_ID_DATA, "001010123456789");
        e.endGrouped(sub);
        e.putInteger32(Avp.MULTIPLE_SERVICES_INDICATOR, 1);
        for (int i = 0; i < 3; i++) {
            int mscc = e.beginGrouped(Avp.MULTIPLE_SERVICES_CREDIT_CONTROL);
            // an empty RSU is valid (RFC 4006 §8.18) but tshark 4.0 flags empty Grouped AVPs "Data is empty"
            int rsu = e.beginGrouped(Avp.REQUESTED_SERVICE_UNIT);
            e.putInteger64(Avp.CC_TOTAL_OCTETS, 5_000_000L);
            e.endGrouped(rsu);
            if (requestType > 1) {
                int usu = e.beginGrouped(Avp.USED_SERVICE_UNIT);
                e.putInteger64(Avp.CC_TOTAL_OCTETS, 1_000_000L * (i + 1));
                e.putInteger64(Avp.CC_INPUT_OCTETS, 400_000L * (i + 1));
                e.putInteger64(Avp.CC_OUTPUT_OCTETS, 600_000L * (i + 1));
                e.putUnsigned32(Avp.CC_TIME, 60);
                e.putInteger32(Avp.REPORTING_REASON, 3);
                e.endGrouped(usu);
            }
            e.putUnsigned32(Avp.RATING_GROUP, 100 + i);
            e.putUnsigned32(Avp.SERVICE_IDENTIFIER, 1000 + i);
            if (requestType == 3) {
                e.putInteger32(Avp.REPORTING_REASON, 2);
            }
            e.endGrouped(mscc);
        }
        int ue = e.beginGrouped(Avp.USER_EQUIPMENT_INFO);
        e.putInteger32(Avp.USER_EQUIPMENT_INFO_TYPE, 0);
        e.putOctets(
                Avp.USER_EQUIPMENT_INFO_VALUE, "3534900698733190".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        e.endGrouped(ue);
        int si = e.beginGrouped(Avp.SERVICE_INFORMATION);
        int ps = e.beginGrouped(Avp.PS_INFORMATION);
        e.putUnsigned32(Avp.TGPP_CHARGING_ID, 0x01020304L);
        e.putOctets(Avp.TGPP_PDP_TYPE, new byte[] {0, 0, 0, 0});
        e.putAddressIpv4(Avp.PDP_ADDRESS, 0x0a2d0002);
        e.putAddressIpv4(Avp.SGSN_ADDRESS, 0xc0a80002);
        e.putAddressIpv4(Avp.GGSN_ADDRESS, 0xc0a80001);
        e.putUtf8(Avp.CALLED_STATION_ID, "internet");
        e.putUtf8(Avp.TGPP_SELECTION_MODE, "0");
        e.putUtf8(Avp.TGPP_CHARGING_CHARACTERISTICS, "0800");
        e.putUtf8(Avp.TGPP_SGSN_MCC_MNC, "00101");
        e.putOctets(Avp.TGPP_MS_TIMEZONE, new byte[] {0x40, 0});
        e.putOctets(Avp.TGPP_RAT_TYPE, new byte[] {6});
        e.endGrouped(ps);
        int ims = e.beginGrouped(Avp.IMS_INFORMATION);
        int event = e.beginGrouped(Avp.EVENT_TYPE);
        e.putUtf8(Avp.SIP_METHOD, "INVITE");
        e.endGrouped(event);
        e.putInteger32(Avp.ROLE_OF_NODE, 0);
        e.putInteger32(Avp.NODE_FUNCTIONALITY, 0);
        e.putUtf8(Avp.CALLING_PARTY_ADDRESS, "sip:+31612345678@ims.example.net");
        e.putUtf8(Avp.CALLED_PARTY_ADDRESS, "tel:+31687654321");
        e.putUtf8(Avp.IMS_CHARGING_IDENTIFIER, "icid-0001");
        e.putInteger32(Avp.CAUSE_CODE, 0);
        e.endGrouped(ims);
        e.endGrouped(si);
    }

    private static void answerCredit(io.chargeflow.diameter.codec.DiameterMessage request, AnswerContext answer) {
        DiameterAvp avp = new DiameterAvp();
        int type = request.find(Avp.CC_REQUEST_TYPE, avp) ? avp.getInteger32() : 1;
        long number = request.find(Avp.CC_REQUEST_NUMBER, avp) ? avp.getUnsigned32() : 0;
        answer.answer(2001, e -> {
            e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
            e.putInteger32(Avp.CC_REQUEST_TYPE, type);
            e.putUnsigned32(Avp.CC_REQUEST_NUMBER, number);
            e.putInteger32(Avp.CREDIT_CONTROL_FAILURE_HANDLING, 1);
            if (type == 3) {
                return;
            }
            for (int i = 0; i < 3; i++) {
                int mscc = e.beginGrouped(Avp.MULTIPLE_SERVICES_CREDIT_CONTROL);
                int gsu = e.beginGrouped(Avp.GRANTED_SERVICE_UNIT);
                e.putInteger64(Avp.CC_TOTAL_OCTETS, 10_000_000L);
                e.putUnsigned32(Avp.CC_TIME, 3600);
                e.endGrouped(gsu);
                e.putUnsigned32(Avp.RATING_GROUP, 100 + i);
                e.putUnsigned32(Avp.VALIDITY_TIME, 3600);
                e.putUnsigned32(Avp.RESULT_CODE, 2001);
                e.putUnsigned32(Avp.VOLUME_QUOTA_THRESHOLD, 1_000_000);
                e.putUnsigned32(Avp.TIME_QUOTA_THRESHOLD, 60);
                e.putUnsigned32(Avp.QUOTA_HOLDING_TIME, 300);
                int fui = e.beginGrouped(Avp.FINAL_UNIT_INDICATION);
                e.putInteger32(Avp.FINAL_UNIT_ACTION, 1);
                int rs = e.beginGrouped(Avp.REDIRECT_SERVER);
                e.putInteger32(Avp.REDIRECT_ADDRESS_TYPE, 2);
                e.putUtf8(Avp.REDIRECT_SERVER_ADDRESS, "http://topup.example.net/");
                e.endGrouped(rs);
                e.endGrouped(fui);
                int trigger = e.beginGrouped(Avp.TRIGGER);
                e.putInteger32(Avp.TRIGGER_TYPE, 4);
                e.endGrouped(trigger);
                e.endGrouped(mscc);
            }
        });
    }

    private static InetSocketAddress remap(InetSocketAddress address, int serverPort) {
        return address.getPort() == serverPort ? new InetSocketAddress(address.getAddress(), 3868) : address;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(60, TimeUnit.SECONDS);
        return output;
    }

    private static boolean onPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
