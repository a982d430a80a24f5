package io.chargeflow.packet.gen;

/**
 * The generator's random source: SplitMix64 (Steele, Lea, Flood 2014), written out here rather than taken from
 * {@link java.util.SplittableRandom} so that a seed yields the same capture on every JDK, byte for byte. Confined to
 * the generating thread.
 */
final class SplitMix64 {
    private static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;

    private long state;

    SplitMix64(long seed) {
        state = seed;
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in {@code [0, bound)} for {@code 0 < bound < 2^31}, by multiply-shift (no division). */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in {@code [0, 1)}. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** True with probability {@code p}: never for 0, always for 1. */
    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** The SplitMix64 finalizer: a stateless hash, used to derive per-subscriber and per-flow constants. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
