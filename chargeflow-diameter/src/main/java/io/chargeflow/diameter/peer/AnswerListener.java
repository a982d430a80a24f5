package io.chargeflow.diameter.peer;

import io.chargeflow.diameter.codec.DiameterMessage;

/**
 * Receives the outcome of one request: exactly one of the two methods is called, once. {@code onAnswer} runs on the
 * I/O thread of the connection the answer came on and the flyweight is valid only during the call (copy what you
 * keep, or hand it to your own queue); {@code onFailure} runs on the I/O thread or the node's timer thread.
 */
public interface AnswerListener {
    void onAnswer(DiameterMessage answer);

    void onFailure(RequestFailure failure);
}
