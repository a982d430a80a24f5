package io.chargeflow.diameter.peer;

import io.chargeflow.diameter.codec.DiameterMessage;

/**
 * Server side of an application (e.g. the embedded OCS for Gy, application 4): called on the I/O thread of the
 * connection the request came on, with a flyweight valid only during the call. Answer through {@code answer}, now or
 * later from any thread, exactly once.
 */
@FunctionalInterface
public interface RequestHandler {
    void onRequest(DiameterMessage request, AnswerContext answer);
}
