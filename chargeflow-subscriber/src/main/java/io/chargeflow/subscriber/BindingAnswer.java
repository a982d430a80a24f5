package io.chargeflow.subscriber;

/**
 * The answer to "who held this key at that time": the holder and the binding, or null for both and the gap during
 * which the key is known to be unbound. The interval tells the caller when to ask again. Control-plane value,
 * immutable, any thread.
 *
 * @param subscriber the holder, or null
 * @param binding the binding found, or null
 * @param validFromMs start of the binding or of the unbound gap, inclusive ({@link Long#MIN_VALUE} if unbounded)
 * @param validUntilMs end of the binding or of the gap, exclusive ({@link Long#MAX_VALUE} if open)
 */
public record BindingAnswer(SubscriberRecord subscriber, IpBinding binding, long validFromMs, long validUntilMs) {}
