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

    /** Per source: the side the rules give each interface id of the capture. */
    private SideMemo interfaceSides = new SideMemo(id -> null);
    /** Per source: the side the rules give each interface index a cooked v2 header names. */
    private SideMemo linkSides = new SideMemo(index -> null);

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
        interfaceSides = new SideMemo(id -> {
            Side side = interfaceIdRules.get(id);
            return side != null ? side : byName(names.apply(id));
        });
        linkSides = new SideMemo(index -> {
            Side side = linkIndexRules.get(index);
            return side != null ? side : byName(linkNames.apply(index));
        });
    }

    private Side byName(String name) {
        return name == null ? null : interfaceNameRules.get(name);
    }

    /** The side of a decoded packet. Reader thread, per packet. */
    public Side classify(DecodedPacket packet) {
        if (hasInterfaceRules) {
            int side = interfaceSides.side(packet.interfaceId);
            if (side != NO_RULE) {
                return SIDES[side];
            }
            if (hasLinkRules && packet.linkType == LinkType.LINUX_SLL2) {
                side = linkSides.side(packet.linkInterfaceIndex);
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

    /**
     * The side the rules give each interface id (or index) of one capture source, resolved once per id (a name lookup
     * may ask the system): an array for ids below 2^16, and a small table for larger ones (hosts where interfaces come
     * and go reach them), emptied when full. {@link #NO_RULE} when no rule matches. Reader thread.
     */
    private static final class SideMemo {
        private static final int ARRAY = 1 << 16;
        private static final int TABLE = 256;

        private final IntFunction<Side> resolve;
        private byte[] small = new byte[0];
        /** Open addressing over ids of {@link #ARRAY} and more: id + 1 (0 empty), and the side. */
        private final int[] keys = new int[TABLE];

        private final byte[] values = new byte[TABLE];
        private int count;

        SideMemo(IntFunction<Side> resolve) {
            this.resolve = resolve;
        }

        int side(int id) {
            if (id >= 0 && id < small.length) {
                return small[id];
            }
            if (id < 0) {
                return NO_RULE;
            }
            if (id < ARRAY) {
                byte[] grown = Arrays.copyOf(small, Math.max(id + 1, Math.min(ARRAY, small.length * 2)));
                for (int i = small.length; i < grown.length; i++) {
                    grown[i] = resolved(i);
                }
                small = grown;
                return grown[id];
            }
            int mask = TABLE - 1;
            int slot = (id * 0x9E37_79B9 >>> 24) & mask;
            while (keys[slot] != 0) {
                if (keys[slot] == id + 1) {
                    return values[slot];
                }
                slot = (slot + 1) & mask;
            }
            if (count == TABLE / 2) {
                Arrays.fill(keys, 0);
                count = 0;
                slot = (id * 0x9E37_79B9 >>> 24) & mask;
            }
            keys[slot] = id + 1;
            values[slot] = resolved(id);
            count++;
            return values[slot];
        }

        private byte resolved(int id) {
            Side side = resolve.apply(id);
            return side == null ? NO_RULE : (byte) side.ordinal();
        }
    }
}
