package dev.hubsim.bench;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnectorFactory;

import java.util.Map;

/**
 * The baseline's counterpart of the hub answering a request itself: a responder in the stock broker's JVM, a core
 * session on its in-VM acceptor that takes each request from one queue and sends the reply, with the request's
 * correlation id, to another. Artemis converts the AMQP request to a core message and the reply back to AMQP; a core
 * property {@code JMS_AMQP_MA_x} arrives as the message annotation {@code x}.
 */
final class CoreResponder implements AutoCloseable {
    /** Fills the reply to a request (body, properties); runs on the session's thread. */
    interface Answer {
        void write(ClientMessage request, ClientMessage reply) throws ActiveMQException;
    }

    private final ServerLocator locator;
    private final ClientSessionFactory factory;
    private final ClientSession session;

    CoreResponder(String requests, String replies, Answer answer) throws Exception {
        locator = locator();
        factory = locator.createSessionFactory();
        session = factory.createSession(false, true, true);
        ClientProducer producer = session.createProducer(replies);
        ClientConsumer consumer = session.createConsumer(requests);
        consumer.setMessageHandler(request -> {
            try {
                ClientMessage reply = session.createMessage(Message.BYTES_TYPE, false);
                reply.setCorrelationID(request.getCorrelationID());
                answer.write(request, reply);
                producer.send(reply);
                request.acknowledge();
            } catch (ActiveMQException | RuntimeException e) {
                Bench.progress("baseline responder on %s failed: %s", requests, e); // the client then times out, naming the trip
            }
        });
        session.start();
    }

    /** The in-VM connection to {@link BareArtemis}'s in-VM acceptor; each acknowledgement goes at once, as the hub settles each request. */
    static ServerLocator locator() {
        ServerLocator locator = ActiveMQClient.createServerLocatorWithoutHA(new TransportConfiguration(InVMConnectorFactory.class.getName(),
                Map.of("serverId", BareArtemis.IN_VM_SERVER_ID)));
        locator.setAckBatchSize(0);
        return locator;
    }

    /** A core message's body bytes. */
    static byte[] body(ClientMessage message) {
        byte[] bytes = new byte[message.getBodyBuffer().readableBytes()];
        message.getBodyBuffer().readBytes(bytes);
        return bytes;
    }

    @Override
    public void close() throws Exception {
        session.close();
        factory.close();
        locator.close();
    }
}
