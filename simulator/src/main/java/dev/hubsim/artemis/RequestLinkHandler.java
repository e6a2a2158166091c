package dev.hubsim.artemis;

import org.apache.activemq.artemis.protocol.amqp.proton.ProtonDeliveryHandler;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

/**
 * A hub handler for a link on which the client sends requests ($cbs, $management, cloud-to-device): only deliveries
 * matter; flow and close need no work of their own.
 */
abstract class RequestLinkHandler implements ProtonDeliveryHandler {
    @Override
    public void onFlow(int currentCredits, boolean drain) {
    }

    @Override
    public void close(boolean remoteLinkClose) {
    }

    @Override
    public void close(ErrorCondition condition) {
    }
}
