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
 * <p>One source may read several interfaces (see {@link #open(java.util.List, Options)}): a frame's interface
 * id says which, so side rules by interface name tell a tap's subscriber-side port from its network-side one.
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
    /** pcap_direction_t: frames received, frames sent. */
    private static final int PCAP_D_IN = 1;

    private static final int PCAP_D_OUT = 2;
    /** The pseudo-interface of every interface. */
    private static final String ANY = "any";

    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile Native lib;

    /** libpcap's functions, bound once. */
    private record Native(
            MethodHandle create,
            MethodHandle setSnaplen,
            MethodHandle setPromisc,
            MethodHandle setTimeout,
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
            MethodHandle compile,
            MethodHandle setFilter,
            MethodHandle freeCode,
            MethodHandle poll,
            MethodHandle setDirection,
            MethodHandle setDatalink) {}

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
                handle(l, "pcap_set_timeout", FunctionDescriptor.of(i, addr, i)),
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
                handle(l, "pcap_compile", FunctionDescriptor.of(i, addr, addr, addr, i, i)),
                handle(l, "pcap_setfilter", FunctionDescriptor.of(i, addr, addr)),
                handle(l, "pcap_freecode", FunctionDescriptor.ofVoid(addr)),
                handle(LINKER.defaultLookup(), "poll", FunctionDescriptor.of(i, addr, ValueLayout.JAVA_LONG, i)),
                handle(l, "pcap_setdirection", FunctionDescriptor.of(i, addr, i)),
                handle(l, "pcap_set_datalink", FunctionDescriptor.of(i, addr, i)));
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
    /** The interfaces, in the order given: a frame's interface id is its index here. */
    private final String[] devices;

    private final MemorySegment[] handles;
    private final int[] linkTypes;
    /** Per interface: whether timestamps are nanoseconds (else microseconds: the device would not give nanoseconds). */
    private final boolean[] nanos;

    private final long maxFrames;
    private final Arena arena = Arena.ofConfined();
    /** Out-parameters of pcap_next_ex: the header's and the data's address. */
    private final MemorySegment headerOut = arena.allocate(ValueLayout.ADDRESS);

    private final MemorySegment dataOut = arena.allocate(ValueLayout.ADDRESS);
    private final MemorySegment statsOut = arena.allocate(64);
    /** struct pollfd {int fd; short events; short revents} per interface. */
    private final MemorySegment pollFds;

    private static final short POLLIN = 1;
    /** The kernel hands over a block of frames at the latest this long after its first frame. */
    private static final int BLOCK_TIMEOUT_MS = 20;

    /** How long a read waits for a frame on quiet interfaces before it returns 0 (a stop is seen within it). */
    private static final int POLL_MS = 100;
    /**
     * Frames taken from one interface before the read turns to the next: a busy interface cannot hold the others back
     * (their kernel buffers would fill and drop) while frames of all of them stay close to arrival order.
     */
    private static final int TURN = 64;

    private final CaptureStats stats = new CaptureStats();
    /** Frames delivered per interface. */
    private final long[] framesPerInterface;
    /** Per interface: libpcap's message while its capture is down (the interface disappeared, say), else null. */
    private final String[] failures;
    /** Per interface: the message of its last failure, kept after it was reopened. */
    private final String[] lastFailures;
    /** Per interface: how often its capture failed. */
    private final int[] losses;

    private int failed;
    /** How the interfaces were opened: a reopening does the same. */
    private final Options options;

    private long nextReopenNs;
    /** Per interface: drops of its earlier handles (a reopened handle counts from zero). */
    private final long[] dropsBefore;

    private final long[] interfaceDropsBefore;

    private volatile boolean stopped;
    private boolean closed;
    private final long[] lastDrops;
    private final long[] lastInterfaceDrops;
    /** The drops over all interfaces as last taken (see {@link #recentDrops}). */
    private volatile long recentDrops;

    private long lastRefreshNs = System.nanoTime();
    /** The interface the next read starts with (reads take turns). */
    private int next;

    private LiveSource(Native n, String[] devices, Opened[] opened, Options options) {
        this.n = n;
        this.devices = devices;
        int count = devices.length;
        this.handles = new MemorySegment[count];
        this.linkTypes = new int[count];
        this.nanos = new boolean[count];
        this.options = options;
        this.maxFrames = options.maxFrames();
        this.framesPerInterface = new long[count];
        this.failures = new String[count];
        this.lastFailures = new String[count];
        this.losses = new int[count];
        this.lastDrops = new long[count];
        this.lastInterfaceDrops = new long[count];
        this.dropsBefore = new long[count];
        this.interfaceDropsBefore = new long[count];
        this.pollFds = arena.allocate(8L * count, 4);
        for (int i = 0; i < count; i++) {
            use(i, opened[i]);
            pollFds.set(ValueLayout.JAVA_SHORT, 8L * i + 4, POLLIN);
        }
    }

    /** Interface {@code i} reads from {@code opened} from now on. */
    private void use(int i, Opened opened) {
        handles[i] = opened.handle();
        linkTypes[i] = opened.linkType();
        nanos[i] = opened.nanos();
        pollFds.set(ValueLayout.JAVA_INT, 8L * i, opened.fd());
    }

    /**
     * How a source captures: bytes kept of each frame, promiscuous mode, a frame limit, a capture filter, the kernel's
     * buffer per interface, and whether an interface whose capture failed is opened again.
     *
     * @param snaplen bytes kept of each frame (the decoder needs the headers; 65,535 keeps whole frames), 64..262144
     * @param promiscuous whether to see frames not addressed to the host (a mirror port needs it)
     * @param maxFrames frames over all interfaces after which {@link #read} ends the input (0: until {@link #stop})
     * @param filter a libpcap (tcpdump) expression the kernel applies to every interface before a frame is copied (e.g.
     *     {@code "vlan and not port 22"}), null or blank for none; one that does not compile fails the open with
     *     libpcap's message and the expression
     * @param bufferMiB the kernel's buffer per interface in MiB (1..2047): what absorbs the reader's pauses (a
     *     collection, a busy core); at 1 Mpps of 365-byte frames 64 MiB hold about 0.2 s
     * @param reopen whether an interface whose capture failed (it disappeared: a hot-unplugged NIC, a recreated veth)
     *     is opened again once it is back, tried once a second while the others' capture goes on; without it its
     *     capture ends, and when none is left the input ends
     * @param direction the frames the kernel hands over: received, sent or both ({@code pcap_setdirection}); a meter
     *     on a gateway that captures its two ports meters each forwarded packet once with {@link CaptureDirection#IN}
     */
    public record Options(
            int snaplen,
            boolean promiscuous,
            long maxFrames,
            String filter,
            int bufferMiB,
            boolean reopen,
            CaptureDirection direction) {
        public Options {
            if (direction == null) {
                throw new IllegalArgumentException("a capture direction is needed (in, out or both)");
            }
            if (snaplen < 64 || snaplen > 262_144) {
                throw new IllegalArgumentException("snaplen=" + snaplen + " must be 64..262144");
            }
            if (maxFrames < 0) {
                throw new IllegalArgumentException("maxFrames=" + maxFrames + " must be >= 0");
            }
            if (bufferMiB < 1 || bufferMiB > 2047) {
                throw new IllegalArgumentException("buffer=" + bufferMiB + " MiB must be 1..2047");
            }
        }

        /** No filter, the default buffer, no reopening. */
        public static Options of(int snaplen, boolean promiscuous, long maxFrames) {
            return new Options(snaplen, promiscuous, maxFrames, null, DEFAULT_BUFFER_MIB, false, CaptureDirection.BOTH);
        }

        public Options withFilter(String expression) {
            return new Options(snaplen, promiscuous, maxFrames, expression, bufferMiB, reopen, direction);
        }

        public Options withDirection(CaptureDirection frames) {
            return new Options(snaplen, promiscuous, maxFrames, filter, bufferMiB, reopen, frames);
        }
    }

    /** The kernel's buffer per interface unless told otherwise: some 180,000 frames of an average 365 bytes. */
    public static final int DEFAULT_BUFFER_MIB = 64;

    /** Opens {@code device} (an interface name; {@code any} captures every interface with Linux cooked headers). */
    public static LiveSource open(String device, int snaplen, boolean promiscuous, long maxFrames) throws IOException {
        if (device == null) {
            throw new IllegalArgumentException("an interface name is needed");
        }
        return open(java.util.List.of(device), Options.of(snaplen, promiscuous, maxFrames));
    }

    /**
     * Opens several interfaces as one source (a tap's subscriber-side and network-side ports, say): a frame's
     * interface id is its interface's index in {@code devices}, and {@link #interfaceName} names it, so side rules by
     * interface name apply. Reads take frames from each interface in turn. An interface named twice is refused (its
     * frames would be charged twice).
     */
    public static LiveSource open(java.util.List<String> devices, Options options) throws IOException {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("an interface name is needed");
        }
        for (int i = 0; i < devices.size(); i++) {
            String device = devices.get(i);
            if (device == null || device.isBlank()) {
                throw new IllegalArgumentException("an interface name is needed");
            }
            if (devices.subList(0, i).contains(device)) {
                throw new IllegalArgumentException(
                        "interface " + device + " is named twice (its frames would be charged twice)");
            }
        }
        Native n = lib();
        int count = devices.size();
        Opened[] handles = new Opened[count];
        int opened = 0;
        try {
            for (; opened < count; opened++) {
                handles[opened] = openHandle(n, devices.get(opened), options);
            }
            return new LiveSource(n, devices.toArray(String[]::new), handles, options);
        } catch (IOException | RuntimeException | Error e) {
            closeAll(n, handles, opened);
            throw e;
        } catch (Throwable t) {
            closeAll(n, handles, opened);
            throw new IOException(devices.get(Math.min(opened, count - 1)) + ": " + t, t);
        }
    }

    /** An activated libpcap handle: the handle, the descriptor to wait on, its link type and stamp precision. */
    private record Opened(MemorySegment handle, int fd, int linkType, boolean nanos) {}

    /** Creates, sets up and activates a handle on {@code device} (with the filter, if any). */
    private static Opened openHandle(Native n, String device, Options options) throws Throwable {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment errbuf = scratch.allocate(PCAP_ERRBUF_SIZE);
            MemorySegment p = (MemorySegment) n.create.invokeExact(scratch.allocateFrom(device), errbuf);
            if (p.address() == 0) {
                throw new IOException(device + ": " + errbuf.getString(0));
            }
            try {
                boolean[] nanos = new boolean[1];
                int fd = activate(n, p, device, options, errbuf, nanos);
                if (options.filter() != null && !options.filter().isBlank()) {
                    setFilter(n, p, device, options.filter(), scratch);
                }
                return new Opened(p, fd, linkTypeOf((int) n.datalink.invokeExact(p)), nanos[0]);
            } catch (Throwable e) {
                n.close.invokeExact(p);
                throw e;
            }
        }
    }

    /** Sets up and activates a created handle; returns the descriptor to wait on. */
    private static int activate(
            Native n, MemorySegment p, String device, Options options, MemorySegment errbuf, boolean[] nanos)
            throws Throwable {
        check(n, p, device, "snaplen", (int) n.setSnaplen.invokeExact(p, options.snaplen()));
        check(n, p, device, "promiscuous mode", (int) n.setPromisc.invokeExact(p, options.promiscuous() ? 1 : 0));
        // frames in blocks, handed over when a block fills or BLOCK_TIMEOUT_MS after its first frame: where frames one
        // at a time (immediate mode) woke the reader for each and left a slot of the snaplen per frame in the kernel's
        // buffer (about a thousand frames in 64 MiB: the replay of a 2M-frame capture at 0.3 Mpps lost 10,000 of
        // them), blocks hold frames at their length (some 180,000 in 64 MiB; the same replay lost none)
        check(n, p, device, "read timeout", (int) n.setTimeout.invokeExact(p, BLOCK_TIMEOUT_MS));
        check(n, p, device, "buffer size", (int) n.setBufferSize.invokeExact(p, options.bufferMiB() << 20));
        // nanosecond stamps where the kernel gives them; a device that cannot keeps microseconds
        int precision = (int) n.setTstampPrecision.invokeExact(p, PCAP_TSTAMP_PRECISION_NANO);
        int status = (int) n.activate.invokeExact(p);
        if (status < 0) {
            throw new IOException(device + ": " + activateError(error(n, p), status));
        }
        if (ANY.equals(device)) {
            // cooked headers of version 2 carry each frame's interface index, so side rules by interface name apply
            // to a capture of every interface; a libpcap that cannot keeps version 1 (no index: such rules match
            // nothing there)
            int ignored = (int) n.setDatalink.invokeExact(p, LinkType.LINUX_SLL2);
        }
        if (options.direction() != CaptureDirection.BOTH) {
            int which = options.direction() == CaptureDirection.IN ? PCAP_D_IN : PCAP_D_OUT;
            if ((int) n.setDirection.invokeExact(p, which) != 0) {
                throw new IOException(device + ": cannot capture only the frames "
                        + options.direction().label() + ": " + error(n, p));
            }
        }
        // non-blocking reads, and a poll of our own with a timeout: a blocking read's timeout is the kernel ring's
        // block timeout, which some kernels never fire on a quiet interface (a read then never returns and a stop is
        // never seen); the poll also waits on every interface at once
        if ((int) n.setNonblock.invokeExact(p, 1, errbuf) != 0) {
            throw new IOException(device + ": cannot read without blocking: " + errbuf.getString(0));
        }
        int fd = (int) n.selectableFd.invokeExact(p);
        if (fd < 0) {
            throw new IOException(device + ": libpcap gives no descriptor to wait on");
        }
        nanos[0] = precision == 0;
        return fd;
    }

    /** No netmask known (only broadcast tests of a filter need one). */
    private static final int PCAP_NETMASK_UNKNOWN = 0xFFFF_FFFF;

    /** Compiles {@code filter} for the handle's link type and sets it. */
    private static void setFilter(Native n, MemorySegment p, String device, String filter, Arena scratch)
            throws Throwable {
        // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
        MemorySegment program = scratch.allocate(16, 8);
        if ((int) n.compile.invokeExact(p, program, scratch.allocateFrom(filter), 1, PCAP_NETMASK_UNKNOWN) != 0) {
            throw new IOException(device + ": filter '" + filter + "': " + error(n, p));
        }
        try {
            if ((int) n.setFilter.invokeExact(p, program) != 0) {
                throw new IOException(device + ": cannot set filter '" + filter + "': " + error(n, p));
            }
        } finally {
            n.freeCode.invokeExact(program);
        }
    }

    private static void closeAll(Native n, Opened[] handles, int count) {
        for (int i = 0; i < count; i++) {
            if (handles[i] != null) {
                close(n, handles[i].handle());
            }
        }
    }

    private static void close(Native n, MemorySegment handle) {
        try {
            n.close.invokeExact(handle);
        } catch (Throwable t) {
            // nothing left to release on our side
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
        int count = handles.length;
        try {
            if (failed > 0 && options.reopen()) {
                reopenFailed();
            }
            while (delivered < maxFrames && !stopped) {
                // one turn over the interfaces, starting where the last read left off
                int taken = 0;
                for (int k = 0; k < count && delivered < maxFrames && !stopped; k++) {
                    int i = next;
                    next = next + 1 == count ? 0 : next + 1;
                    if (failures[i] != null) {
                        continue;
                    }
                    int turn = Math.min(TURN, maxFrames - delivered);
                    int got = readInterface(i, handler, turn);
                    taken += got;
                    delivered += got;
                }
                if (taken == 0) {
                    // nothing waiting anywhere: wait for a descriptor once, then hand back what this read delivered
                    if (delivered > 0 || stopped) {
                        break;
                    }
                    for (int i = 0; i < count; i++) {
                        pollFds.set(ValueLayout.JAVA_SHORT, 8L * i + 6, (short) 0);
                    }
                    int ready = (int) n.poll.invokeExact(pollFds, (long) count, POLL_MS);
                    if (ready <= 0) {
                        break;
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(devices[0] + ": " + t, t);
        }
        long now = System.nanoTime();
        if (now - lastRefreshNs >= 1_000_000_000L) {
            // the drop counters, for readers on other threads (a status line), at most once a second
            lastRefreshNs = now;
            refreshStats();
        }
        return delivered == 0 && stopped ? END_OF_INPUT : delivered;
    }

    /** Up to {@code limit} frames waiting on interface {@code i}; stops the source at the frame limit. */
    private int readInterface(int i, FrameHandler handler, int limit) throws Throwable {
        MemorySegment handle = handles[i];
        int delivered = 0;
        while (delivered < limit) {
            if (this.maxFrames > 0 && stats.frames >= this.maxFrames) {
                stopped = true;
                break;
            }
            int status = (int) n.nextEx.invokeExact(handle, headerOut, dataOut);
            if (status == 1) {
                // the pointers as plain addresses, read through the one all-memory segment: no segment per frame
                long header = headerOut.get(ValueLayout.JAVA_LONG, 0);
                long data = dataOut.get(ValueLayout.JAVA_LONG, 0);
                int caplen = EVERYTHING.get(ValueLayout.JAVA_INT_UNALIGNED, header + HDR_CAPLEN);
                int len = EVERYTHING.get(ValueLayout.JAVA_INT_UNALIGNED, header + HDR_LEN);
                long seconds = EVERYTHING.get(ValueLayout.JAVA_LONG_UNALIGNED, header + HDR_SEC);
                long fraction = EVERYTHING.get(ValueLayout.JAVA_LONG_UNALIGNED, header + HDR_FRACTION);
                long timeNs = seconds * 1_000_000_000L + (nanos[i] ? fraction : fraction * 1000);
                stats.frames++;
                stats.capturedBytes += caplen;
                framesPerInterface[i]++;
                if (caplen < len) {
                    stats.truncatedFrames++;
                }
                handler.onFrame(EVERYTHING, data, caplen, len, timeNs, i, linkTypes[i]);
                delivered++;
            } else if (status == 0) {
                break;
            } else {
                fail(i, error(n, handle));
                break;
            }
        }
        return delivered;
    }

    /**
     * The capture of interface {@code i} failed (it disappeared, say): the handle goes, the others' capture goes on.
     * Without reopening, when none is left the input ends as if stopped, so the run still closes its sessions and
     * writes everything; with it, the interface is tried again once a second (see {@link Options#reopen}).
     */
    private void fail(int i, String message) {
        refreshStats();
        dropsBefore[i] += lastDrops[i];
        interfaceDropsBefore[i] += lastInterfaceDrops[i];
        lastDrops[i] = 0;
        lastInterfaceDrops[i] = 0;
        failures[i] = message;
        lastFailures[i] = message;
        losses[i]++;
        failed++;
        pollFds.set(ValueLayout.JAVA_INT, 8L * i, -1);
        close(n, handles[i]);
        handles[i] = null;
        if (failed == handles.length && !options.reopen()) {
            stopped = true;
        }
    }

    /** Tries to open each failed interface again (once a second at most); the ones that open are read again. */
    private void reopenFailed() {
        long now = System.nanoTime();
        if (now < nextReopenNs) {
            return;
        }
        nextReopenNs = now + 1_000_000_000L;
        for (int i = 0; i < handles.length; i++) {
            if (failures[i] == null) {
                continue;
            }
            try {
                use(i, openHandle(n, devices[i], options));
                failures[i] = null;
                failed--;
            } catch (Throwable t) {
                // not back yet
            }
        }
    }

    /** Ends the capture: the next {@link #read} (or the one waiting now) returns the end of input. Any thread. */
    public void stop() {
        stopped = true;
    }

    /** Frames the kernel dropped because its buffer was full (libpcap's ps_drop), over all interfaces. */
    public long drops() {
        refreshStats();
        long sum = 0;
        for (int i = 0; i < handles.length; i++) {
            sum += dropsBefore[i] + lastDrops[i];
        }
        return sum;
    }

    /**
     * {@link #drops()} as the reading thread last took it (at most a second old while reads go on): for other threads,
     * which must not call into libpcap's handles while the reader does.
     */
    public long recentDrops() {
        return recentDrops;
    }

    /** {@link #drops(int)} as the reading thread last took it (see {@link #recentDrops()}): for other threads. */
    public long recentDrops(int i) {
        return dropsBefore[i] + lastDrops[i];
    }

    /** Frames the interfaces dropped (ps_ifdrop), over all interfaces. */
    public long interfaceDrops() {
        refreshStats();
        long sum = 0;
        for (int i = 0; i < handles.length; i++) {
            sum += interfaceDropsBefore[i] + lastInterfaceDrops[i];
        }
        return sum;
    }

    /** Frames the kernel dropped on interface {@code i} (ps_drop), as of the last call. */
    public long drops(int i) {
        refreshStats();
        return dropsBefore[i] + lastDrops[i];
    }

    /** Frames interface {@code i} itself dropped (ps_ifdrop), as of the last call. */
    public long interfaceDrops(int i) {
        refreshStats();
        return interfaceDropsBefore[i] + lastInterfaceDrops[i];
    }

    /**
     * Why the capture of interface {@code i} is down (libpcap's message, e.g. "The interface disappeared"), or null
     * while it runs. A failed interface is read no more (unless reopened: {@link Options#reopen}); the others go on.
     */
    public String failure(int i) {
        return failures[i];
    }

    /** How often the capture of interface {@code i} failed (it may have been reopened since: {@link #failure}). */
    public int losses(int i) {
        return losses[i];
    }

    /** The message of the last failure of interface {@code i}, or null when it never failed. */
    public String lastFailure(int i) {
        return lastFailures[i];
    }

    /** Frames delivered from interface {@code i}. */
    public long frames(int i) {
        return framesPerInterface[i];
    }

    private void refreshStats() {
        if (closed) {
            return;
        }
        long sum = 0;
        for (int i = 0; i < handles.length; i++) {
            if (handles[i] == null) {
                // down: its drops are in dropsBefore
                sum += dropsBefore[i];
                continue;
            }
            try {
                if ((int) n.stats.invokeExact(handles[i], statsOut) == 0) {
                    // struct pcap_stat: u_int ps_recv, ps_drop, ps_ifdrop
                    lastDrops[i] = Integer.toUnsignedLong(statsOut.get(ValueLayout.JAVA_INT, 4));
                    lastInterfaceDrops[i] = Integer.toUnsignedLong(statsOut.get(ValueLayout.JAVA_INT, 8));
                }
            } catch (Throwable t) {
                // the counters stay as last read
            }
            sum += dropsBefore[i] + lastDrops[i];
        }
        recentDrops = sum;
    }

    @Override
    public CaptureStats stats() {
        return stats;
    }

    @Override
    public String interfaceName(int interfaceId) {
        return interfaceId >= 0 && interfaceId < devices.length ? devices[interfaceId] : null;
    }

    /** The kernel's name of interface index {@code index} now (a frame of {@code any} names its interface so). */
    @Override
    public String linkInterfaceName(int index) {
        try {
            java.net.NetworkInterface found = java.net.NetworkInterface.getByIndex(index);
            return found == null ? null : found.getName();
        } catch (java.net.SocketException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public int interfaceCount() {
        return devices.length;
    }

    @Override
    public boolean isLive() {
        return true;
    }

    /** A block's timeout, and as much again for the reader to take it. */
    @Override
    public long deliveryDelayNs() {
        return 2L * BLOCK_TIMEOUT_MS * 1_000_000L;
    }

    @Override
    public String description() {
        return (devices.length == 1 ? "interface " : "interfaces ") + String.join(", ", devices);
    }

    /** The link type of the first interface's frames (a {@link LinkType} value). */
    public int linkType() {
        return linkTypes[0];
    }

    /** The link type of interface {@code i}'s frames (a {@link LinkType} value). */
    public int linkType(int i) {
        return linkTypes[i];
    }

    @Override
    public void close() {
        if (!closed) {
            refreshStats();
            closed = true;
            for (MemorySegment handle : handles) {
                if (handle != null) {
                    close(n, handle);
                }
            }
            arena.close();
        }
    }
}
