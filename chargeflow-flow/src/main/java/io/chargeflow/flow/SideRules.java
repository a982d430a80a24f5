package io.chargeflow.flow;

import io.chargeflow.packet.DecodedPacket;
import io.chargeflow.packet.LinkType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Decides on which side a packet came in: subscriber, network, both or ignore.
 *
 * <p>Rules, first match wins: the capture's interface (the pcapng interface or the live one, by id, then by name),
 * the interface a Linux cooked v2 header names (a capture on {@code any}: by its index, then, live, by the name the
 * host gives that index), GTP-U encapsulation, the innermost VLAN id, the outermost VLAN id, then the default side.
 * Built once from configuration ({@link #parse} accepts {@code vlan:100=subscriber}, {@code outer-vlan:3000=network},
 * {@code iface:1=network}, {@code ifname:eth1=subscriber}, {@code ifindex:3=network}, {@code gtpu=subscriber});
 * {@link #classify} runs on the reader thread per packet and is a few array loads. Interface names are resolved once
 * per interface id, and once per interface index, per capture source.
 */
public final class SideRules {
    private static final byte NO_RULE = -1;
    private static final Side[] SIDES = Side.values();

    private final byte[] innerVlanSide = new byte[4096];
    private final byte[] outerVlanSide = new byte[4096];
    private final Map<Integer, Side> interfaceIdRules = new HashMap<>();
    private final Map<String, Side> interfaceNameRules = new HashMap<>();
    private final Map<Integer, Side> linkIndexRules = new HashMap<>();
    private final boolean hasInterfaceRules;
    /** Whether any rule can match a cooked v2 header's interface (by index, or by name on a live source). */
    private final boolean hasLinkRules;

    private final byte gtpuSide;
    private final Side defaultSide;
    private final List<String> descriptions = new ArrayList<>();

    /** Per-source resolution of interface rules: index = interface id. */
    private byte[] interfaceSide = new byte[0];

    private IntFunction<String> interfaceNames = id -> null;

    /** Per-source resolution of rules on a cooked v2 header's interface index below {@link #LINK_ARRAY}: index = it. */
    private byte[] linkSide = new byte[0];
    /** The same for larger indexes (hosts with many short-lived interfaces reach them): open addressing, key + 1. */
    private final int[] linkKeys = new int[LINK_CACHE];

    private final byte[] linkValues = new byte[LINK_CACHE];
    private int linkCached;
    private IntFunction<String> linkNames = index -> null;

    private static final int LINK_ARRAY = 1 << 16;
    private static final int LINK_CACHE = 256;

    private SideRules(Builder builder) {
        Arrays.fill(innerVlanSide, NO_RULE);
        Arrays.fill(outerVlanSide, NO_RULE);
        builder.innerVlans.forEach((vlan, side) -> innerVlanSide[vlan] = (byte) side.ordinal());
        builder.outerVlans.forEach((vlan, side) -> outerVlanSide[vlan] = (byte) side.ordinal());
        interfaceIdRules.putAll(builder.interfaceIds);
        interfaceNameRules.putAll(builder.interfaceNames);
        linkIndexRules.putAll(builder.linkIndexes);
        hasLinkRules = !linkIndexRules.isEmpty() || !interfaceNameRules.isEmpty();
        hasInterfaceRules = !interfaceIdRules.isEmpty() || hasLinkRules;
        gtpuSide = builder.gtpu == null ? NO_RULE : (byte) builder.gtpu.ordinal();
        defaultSide = builder.defaultSide;
        descriptions.addAll(builder.descriptions);
        descriptions.add("default=" + defaultSide.label());
    }

    /** The rules of a plain run: VLAN 100 subscriber side, VLAN 200 network side, everything else ignored. */
    public static SideRules defaults() {
        return builder().subscriberVlan(100).networkVlan(200).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Called by the reader when it starts a capture source: interface names resolve against it. */
    public void onSource(IntFunction<String> names) {
        onSource(names, index -> null);
    }

    /**
     * Called by the reader when it starts a capture source: interface names resolve against it, the names of cooked v2
     * headers' interface indexes against {@code linkNames} (null where the source cannot tell).
     */
    public void onSource(IntFunction<String> names, IntFunction<String> linkNames) {
        interfaceNames = names;
        interfaceSide = new byte[0];
        this.linkNames = linkNames;
        linkSide = new byte[0];
        java.util.Arrays.fill(linkKeys, 0);
        linkCached = 0;
    }

    /** The side of a decoded packet. Reader thread, per packet. */
    public Side classify(DecodedPacket packet) {
        if (hasInterfaceRules) {
            int side = interfaceSide(packet.interfaceId);
            if (side != NO_RULE) {
                return SIDES[side];
            }
            if (hasLinkRules && packet.linkType == LinkType.LINUX_SLL2 && packet.linkInterfaceIndex >= 0) {
                side = linkSide(packet.linkInterfaceIndex);
                if (side != NO_RULE) {
                    return SIDES[side];
                }
            }
        }
        if (packet.gtp && gtpuSide != NO_RULE) {
            return SIDES[gtpuSide];
        }
        if (packet.innerVlan >= 0) {
            int side = innerVlanSide[packet.innerVlan];
            if (side != NO_RULE) {
                return SIDES[side];
            }
            side = outerVlanSide[packet.outerVlan];
            if (side != NO_RULE) {
                return SIDES[side];
            }
        }
        return defaultSide;
    }

    private int interfaceSide(int interfaceId) {
        if (interfaceId < interfaceSide.length) {
            return interfaceSide[interfaceId];
        }
        return resolveInterface(interfaceId);
    }

    private int resolveInterface(int interfaceId) {
        if (interfaceId < 0 || interfaceId > 65535) {
            return NO_RULE;
        }
        byte[] grown = Arrays.copyOf(interfaceSide, interfaceId + 1);
        for (int id = interfaceSide.length; id < grown.length; id++) {
            Side side = interfaceIdRules.get(id);
            if (side == null) {
                String name = interfaceNames.apply(id);
                side = name == null ? null : interfaceNameRules.get(name);
            }
            grown[id] = side == null ? NO_RULE : (byte) side.ordinal();
        }
        interfaceSide = grown;
        return grown[interfaceId];
    }

    private int linkSide(int index) {
        if (index < linkSide.length) {
            return linkSide[index];
        }
        if (index < LINK_ARRAY) {
            byte[] grown = Arrays.copyOf(linkSide, Math.max(index + 1, Math.min(LINK_ARRAY, linkSide.length * 2)));
            for (int i = linkSide.length; i < grown.length; i++) {
                grown[i] = resolveLink(i);
            }
            linkSide = grown;
            return grown[index];
        }
        int mask = LINK_CACHE - 1;
        int slot = (index * 0x9E37_79B9 >>> 24) & mask;
        while (linkKeys[slot] != 0) {
            if (linkKeys[slot] == index + 1) {
                return linkValues[slot];
            }
            slot = (slot + 1) & mask;
        }
        if (linkCached == LINK_CACHE / 2) {
            // full: start over (only interfaces come and go this much)
            Arrays.fill(linkKeys, 0);
            linkCached = 0;
            slot = (index * 0x9E37_79B9 >>> 24) & mask;
        }
        linkKeys[slot] = index + 1;
        linkValues[slot] = resolveLink(index);
        linkCached++;
        return linkValues[slot];
    }

    private byte resolveLink(int index) {
        Side side = linkIndexRules.get(index);
        if (side == null && !interfaceNameRules.isEmpty()) {
            String name = linkNames.apply(index);
            side = name == null ? null : interfaceNameRules.get(name);
        }
        return side == null ? NO_RULE : (byte) side.ordinal();
    }

    public Side defaultSide() {
        return defaultSide;
    }

    @Override
    public String toString() {
        return String.join(", ", descriptions);
    }

    /** Collects rules from configuration; caller mistakes fail with name=value messages. */
    public static final class Builder {
        private final Map<Integer, Side> innerVlans = new HashMap<>();
        private final Map<Integer, Side> outerVlans = new HashMap<>();
        private final Map<Integer, Side> interfaceIds = new HashMap<>();
        private final Map<String, Side> interfaceNames = new HashMap<>();
        private final Map<Integer, Side> linkIndexes = new HashMap<>();
        private final List<String> descriptions = new ArrayList<>();
        private Side gtpu;
        private Side defaultSide = Side.IGNORE;

        public Builder subscriberVlan(int vlan) {
            return vlan(vlan, Side.SUBSCRIBER);
        }

        public Builder networkVlan(int vlan) {
            return vlan(vlan, Side.NETWORK);
        }

        /** A rule on the innermost VLAN id. */
        public Builder vlan(int vlan, Side side) {
            innerVlans.put(checkVlan(vlan), side);
            descriptions.add("vlan:" + vlan + "=" + side.label());
            return this;
        }

        /** A rule on the outermost VLAN id (a service tag). */
        public Builder outerVlan(int vlan, Side side) {
            outerVlans.put(checkVlan(vlan), side);
            descriptions.add("outer-vlan:" + vlan + "=" + side.label());
            return this;
        }

        public Builder interfaceId(int id, Side side) {
            if (id < 0 || id > 65535) {
                throw new IllegalArgumentException("iface=" + id + " must be a pcapng interface id 0..65535");
            }
            interfaceIds.put(id, side);
            descriptions.add("iface:" + id + "=" + side.label());
            return this;
        }

        public Builder interfaceName(String name, Side side) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("ifname='' must name an interface");
            }
            interfaceNames.put(name, side);
            descriptions.add("ifname:" + name + "=" + side.label());
            return this;
        }

        /**
         * A rule on the interface index a Linux cooked v2 header carries (a capture on {@code any}; {@code ip link}
         * lists the indexes of the host that captured).
         */
        public Builder linkInterfaceIndex(int index, Side side) {
            if (index < 1) {
                throw new IllegalArgumentException("ifindex=" + index + " must be an interface index of 1 or more");
            }
            linkIndexes.put(index, side);
            descriptions.add("ifindex:" + index + "=" + side.label());
            return this;
        }

        public Builder gtpu(Side side) {
            gtpu = side;
            descriptions.add("gtpu=" + side.label());
            return this;
        }

        public Builder defaultSide(Side side) {
            defaultSide = side;
            return this;
        }

        /**
         * Adds one rule written as {@code KIND:VALUE=SIDE} ({@code vlan}, {@code outer-vlan}, {@code iface},
         * {@code ifname}, {@code ifindex}) or {@code gtpu=SIDE}.
         */
        public Builder parse(String rule) {
            int eq = rule.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "rule=" + rule + " is not KIND:VALUE=SIDE (e.g. vlan:100=subscriber)");
            }
            Side side = Side.parse(rule.substring(eq + 1));
            String selector = rule.substring(0, eq).trim();
            if (selector.equals("gtpu")) {
                return gtpu(side);
            }
            int colon = selector.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(
                        "rule=" + rule + " is not KIND:VALUE=SIDE (e.g. vlan:100=subscriber)");
            }
            String kind = selector.substring(0, colon);
            String value = selector.substring(colon + 1);
            return switch (kind) {
                case "vlan" -> vlan(parseInt(rule, value), side);
                case "outer-vlan" -> outerVlan(parseInt(rule, value), side);
                case "iface" -> interfaceId(parseInt(rule, value), side);
                case "ifname" -> interfaceName(value, side);
                case "ifindex" -> linkInterfaceIndex(parseInt(rule, value), side);
                default ->
                    throw new IllegalArgumentException("rule=" + rule + " has unknown kind '" + kind
                            + "' (vlan, outer-vlan, iface, ifname, ifindex, gtpu)");
            };
        }

        public SideRules build() {
            return new SideRules(this);
        }

        private static int parseInt(String rule, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("rule=" + rule + " has a non-numeric value '" + value + "'");
            }
        }

        private static int checkVlan(int vlan) {
            if (vlan < 0 || vlan > 4095) {
                throw new IllegalArgumentException("vlan=" + vlan + " must be 0..4095");
            }
            return vlan;
        }
    }
}
