package dev.hubsim.amqp.link;

import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;

/** Reading a complete incoming delivery on the hub's own receiving links. */
final class Deliveries {
    private Deliveries() {
    }

    /** The delivery's bytes once its last frame has arrived (the receiver is advanced), or null while it is partial. */
    static byte[] readComplete(Receiver receiver, Delivery delivery) {
        if (delivery.isPartial()) {
            return null;
        }
        byte[] bytes = new byte[delivery.available()];
        receiver.recv(bytes, 0, bytes.length);
        receiver.advance();
        return bytes;
    }
}
