package io.chargeflow.packet;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Frames captured live from a network interface through libpcap (called with the foreign-function API: no JNI, no
 * native code of ours; libpcap itself is the system's {@code libpcap.so}). Frames are handed out in place from
 * libpcap's buffer: the handler gets one segment over the whole address space and each frame's address as its
 * offset, so a frame costs no allocation. Timestamps are asked for in nanoseconds.
 *
 * <p>{@link #read} waits at most 100 ms for frames and may return 0; it returns {@link #END_OF_INPUT} once {@link #stop}
 * was called (from any thread: a signal handler, a timer; seen within that wait) or the frame limit was reached. Drops are
 * libpcap's: {@link #drops()} (the kernel's buffer was full) and {@link #interfaceDrops()}.
 *
 * <p>Capturing needs the right to open a packet socket (root, or {@code CAP_NET_RAW} and {@code CAP_NET_ADMIN} on
 * the JVM); without it {@link #open} fails with libpcap's message.
 */
public final class LiveSource implements CaptureSource {
    private static final int PCAP_ERRBUF_SIZE = 256;
    private static final int PCAP_TSTAMP_PRECISION_NANO = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile Native lib;

    /** libpcap's functions, bound once. */
    private record Native(
            MethodHandle create,
            MethodHandle setSnaplen,
            MethodHandle setPromisc,
            MethodHandle setImmediate,
            MethodHandle setBufferSize,
            MethodHandle setTstampPrecision,
            MethodHandle activate,
            MethodHandle geterr,
            MethodHandle datalink,
            MethodHandle nextEx,
            MethodHandle stats,
            MethodHandle close,
            MethodHandle setNonblock,
            MethodHandle selectableFd,
            MethodHandle poll) {}

    private static Native lib() throws IOException {
        Native n = lib;
        if (n != null) {
            return n;
        }
        synchronized (LiveSource.class) {
            if (lib == null) {
                lib = bind();
            }
            return lib;
        }
    }

    private static Native bind() throws IOException {
        SymbolLookup pcap = null;
        IllegalArgumentException last = null;
        for (String name : new String[] {"libpcap.so.1", "libpcap.so.0.8", "libpcap.so"}) {
            try {
                pcap = SymbolLookup.libraryLookup(name, Arena.global());
                break;
            } catch (IllegalArgumentException e) {
                last = e;
            }
        }
        if (pcap == null) {
            throw new IOException("live capture needs libpcap (libpcap.so.1 or libpcap.so.0.8; Debian: apt-get install"
                    + " libpcap0.8): " + last.getMessage());
        }
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        var addr = ValueLayout.ADDRESS;
        SymbolLookup l = pcap;
        return new Native(
                handle(l, "pcap_create", FunctionDescriptor.of(addr, addr, addr)),
                handle(l, "pcap_set_snaplen", FunctionDescriptor.of(i, addr, i)),
                handle(l, "pcap_set_promisc", FunctionDescriptor.of(i, addr, i)),
                handle(l, "pcap_set_immediate_mode", FunctionDescriptor.of(i, addr, i)),
                handle(l, "pcap_set_buffer_size", FunctionDescriptor.of(i, addr, i)),
                handle(l, "pcap_set_tstamp_precision", FunctionDescriptor.of(i, addr, i)),
                handle(l, "pcap_activate", FunctionDescriptor.of(i, addr)),
                handle(l, "pcap_geterr", FunctionDescriptor.of(addr.withTargetLayout(ValueLayout.JAVA_BYTE), addr)),
                handle(l, "pcap_datalink", FunctionDescriptor.of(i, addr)),
                handle(l, "pcap_next_ex", FunctionDescriptor.of(i, addr, addr, addr)),
                handle(l, "pcap_stats", FunctionDescriptor.of(i, addr, addr)),
                handle(l, "pcap_close", FunctionDescriptor.ofVoid(addr)),
                handle(l, "pcap_setnonblock", FunctionDescriptor.of(i, addr, i, addr)),
                handle(l, "pcap_get_selectable_fd", FunctionDescriptor.of(i, addr)),
                handle(LINKER.defaultLookup(), "poll", FunctionDescriptor.of(i, addr, ValueLayout.JAVA_LONG, i)));
    }

    private static MethodHandle handle(SymbolLookup lookup, String name, FunctionDescriptor descriptor)
            throws IOException {
        MemorySegment symbol = lookup.find(name)
                .orElseThrow(
                        () -> new IOException("no " + name + " (libpcap 1.5 or later and a C library are needed)"));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /** Every address: a frame is handed out as this segment and the frame's address as the offset. */
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    // struct pcap_pkthdr on LP64: struct timeval ts (two longs), bpf_u_int32 caplen, bpf_u_int32 len
    private static final long HDR_SEC = 0;
    private static final long HDR_FRACTION = 8;
    private static final long HDR_CAPLEN = 16;
    private static final long HDR_LEN = 20;

    private final Native n;
    private final String device;
    private final MemorySegment handle;
    private final int linkType;
    private final long maxFrames;
    private final Arena arena = Arena.ofConfined();
    /** Out-parameters of pcap_next_ex: the header's and the data's address. */
    private final MemorySegment headerOut = arena.allocate(ValueLayout.ADDRESS);

    private final MemorySegment dataOut = arena.allocate(ValueLayout.ADDRESS);
    private final MemorySegment statsOut = arena.allocate(64);
    /** struct pollfd {int fd; short events; short revents} of the capture's descriptor. */
    private final MemorySegment pollFd = arena.allocate(8, 4);

    private static final short POLLIN = 1;
    /** How long a read waits for a frame on a quiet interface before it returns 0 (a stop is seen within it). */
    private static final int POLL_MS = 100;

    private final CaptureStats stats = new CaptureStats();
    /** Whether timestamps are nanoseconds (else microseconds: the device would not give nanoseconds). */
    private final boolean nanos;

    private volatile boolean stopped;
    private boolean closed;
    private long lastDrops;
    private long lastInterfaceDrops;

    private LiveSource(
            Native n, String device, MemorySegment handle, int linkType, long maxFrames, int fd, boolean nanos) {
        this.n = n;
        this.device = device;
        this.handle = handle;
        this.linkType = linkType;
        this.maxFrames = maxFrames;
        this.nanos = nanos;
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
    }

    /**
     * Opens {@code device} (an interface name; {@code any} captures every interface with Linux cooked headers).
     *
     * @param snaplen bytes kept of each frame (the decoder needs the headers; 65,535 keeps whole frames)
     * @param promiscuous whether to see frames not addressed to the host (a mirror port needs it)
     * @param maxFrames frames after which {@link #read} ends the input (0: until {@link #stop})
     */
    public static LiveSource open(String device, int snaplen, boolean promiscuous, long maxFrames) throws IOException {
        if (device == null || device.isBlank()) {
            throw new IllegalArgumentException("an interface name is needed");
        }
        if (snaplen < 64 || snaplen > 262_144) {
            throw new IllegalArgumentException("snaplen=" + snaplen + " must be 64..262144");
        }
        if (maxFrames < 0) {
            throw new IllegalArgumentException("maxFrames=" + maxFrames + " must be >= 0");
        }
        Native n = lib();
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment errbuf = scratch.allocate(PCAP_ERRBUF_SIZE);
            MemorySegment p = (MemorySegment) n.create.invokeExact(scratch.allocateFrom(device), errbuf);
            if (p.address() == 0) {
                throw new IOException(device + ": " + errbuf.getString(0));
            }
            try {
                check(n, p, device, "snaplen", (int) n.setSnaplen.invokeExact(p, snaplen));
                check(n, p, device, "promiscuous mode", (int) n.setPromisc.invokeExact(p, promiscuous ? 1 : 0));
                // frames as they come (no kernel block to fill first)
                check(n, p, device, "immediate mode", (int) n.setImmediate.invokeExact(p, 1));
                check(n, p, device, "buffer size", (int) n.setBufferSize.invokeExact(p, 64 << 20));
                // nanosecond stamps where the kernel gives them; a device that cannot keeps microseconds
                int precision = (int) n.setTstampPrecision.invokeExact(p, PCAP_TSTAMP_PRECISION_NANO);
                int status = (int) n.activate.invokeExact(p);
                if (status < 0) {
                    throw new IOException(device + ": " + activateError(error(n, p), status));
                }
                // non-blocking reads, and a poll of our own with a timeout: a blocking read's timeout is the kernel
                // ring's block timeout, which some kernels never fire on a quiet interface (a read then never
                // returns and a stop is never seen)
                if ((int) n.setNonblock.invokeExact(p, 1, errbuf) != 0) {
                    throw new IOException(device + ": cannot read without blocking: " + errbuf.getString(0));
                }
                int fd = (int) n.selectableFd.invokeExact(p);
                if (fd < 0) {
                    throw new IOException(device + ": libpcap gives no descriptor to wait on");
                }
                int dlt = (int) n.datalink.invokeExact(p);
                return new LiveSource(n, device, p, linkTypeOf(dlt), maxFrames, fd, precision == 0);
            } catch (IOException | RuntimeException e) {
                n.close.invokeExact(p);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(device + ": " + t, t);
        }
    }

    private static void check(Native n, MemorySegment p, String device, String what, int status) throws IOException {
        if (status != 0) {
            throw new IOException(device + ": cannot set " + what + " (pcap status " + status + ")");
        }
    }

    /** libpcap's message of the last error on {@code p}. */
    private static String error(Native n, MemorySegment p) throws Throwable {
        return ((MemorySegment) n.geterr.invokeExact(p))
                .reinterpret(PCAP_ERRBUF_SIZE)
                .getString(0);
    }

    private static String activateError(String message, int status) {
        return switch (status) {
            case -8 -> "permission denied (capturing needs root or CAP_NET_RAW and CAP_NET_ADMIN): " + message;
            case -9 -> "no such interface: " + message;
            case -7 -> "the interface is not up: " + message;
            default -> message + " (pcap status " + status + ")";
        };
    }

    /** libpcap's DLT_ value to the LINKTYPE_ value a capture file would carry (they differ for raw IP). */
    static int linkTypeOf(int dlt) {
        return switch (dlt) {
            case 12, 14 -> LinkType.RAW; // DLT_RAW (12 on Linux, 14 on some BSDs)
            default -> dlt;
        };
    }

    @Override
    public int read(FrameHandler handler, int maxFrames) throws IOException {
        if (stopped || closed) {
            return END_OF_INPUT;
        }
        int delivered = 0;
        try {
            while (delivered < maxFrames) {
                if (this.maxFrames > 0 && stats.frames >= this.maxFrames) {
                    stopped = true;
                    break;
                }
                int status = (int) n.nextEx.invokeExact(handle, headerOut, dataOut);
                if (status == 1) {
                    MemorySegment header = headerOut.get(ValueLayout.ADDRESS, 0).reinterpret(24);
                    long data = dataOut.get(ValueLayout.ADDRESS, 0).address();
                    int caplen = header.get(ValueLayout.JAVA_INT, HDR_CAPLEN);
                    int len = header.get(ValueLayout.JAVA_INT, HDR_LEN);
                    long seconds = header.get(ValueLayout.JAVA_LONG, HDR_SEC);
                    long fraction = header.get(ValueLayout.JAVA_LONG, HDR_FRACTION);
                    long timeNs = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
                    stats.frames++;
                    stats.capturedBytes += caplen;
                    if (caplen < len) {
                        stats.truncatedFrames++;
                    }
                    handler.onFrame(EVERYTHING, data, caplen, len, timeNs, 0, linkType);
                    delivered++;
                } else if (status == 0) {
                    // nothing waiting: wait for the descriptor once, then hand back what this read delivered
                    if (delivered > 0 || stopped) {
                        break;
                    }
                    pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                    int ready = (int) n.poll.invokeExact(pollFd, 1L, POLL_MS);
                    if (ready <= 0) {
                        break;
                    }
                } else {
                    throw new IOException(device + ": capture failed: " + error(n, handle));
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(device + ": " + t, t);
        }
        return delivered == 0 && stopped ? END_OF_INPUT : delivered;
    }

    /** Ends the capture: the next {@link #read} (or the one waiting now) returns the end of input. Any thread. */
    public void stop() {
        stopped = true;
    }

    /** Frames the kernel dropped because its buffer was full (libpcap's ps_drop), as of the last call. */
    public long drops() {
        refreshStats();
        return lastDrops;
    }

    /** Frames the interface dropped (ps_ifdrop), as of the last call. */
    public long interfaceDrops() {
        refreshStats();
        return lastInterfaceDrops;
    }

    private void refreshStats() {
        if (closed) {
            return;
        }
        try {
            if ((int) n.stats.invokeExact(handle, statsOut) == 0) {
                // struct pcap_stat: u_int ps_recv, ps_drop, ps_ifdrop
                lastDrops = Integer.toUnsignedLong(statsOut.get(ValueLayout.JAVA_INT, 4));
                lastInterfaceDrops = Integer.toUnsignedLong(statsOut.get(ValueLayout.JAVA_INT, 8));
            }
        } catch (Throwable t) {
            // the counters stay as last read
        }
    }

    @Override
    public CaptureStats stats() {
        return stats;
    }

    @Override
    public String interfaceName(int interfaceId) {
        return interfaceId == 0 ? device : null;
    }

    @Override
    public int interfaceCount() {
        return 1;
    }

    @Override
    public boolean isLive() {
        return true;
    }

    @Override
    public String description() {
        return "interface " + device;
    }

    /** The link type of the interface's frames (a {@link LinkType} value). */
    public int linkType() {
        return linkType;
    }

    @Override
    public void close() {
        if (!closed) {
            refreshStats();
            closed = true;
            try {
                n.close.invokeExact(handle);
            } catch (Throwable t) {
                // nothing left to release on our side
            }
            arena.close();
        }
    }
}
