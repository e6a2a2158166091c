package dev.hubsim.amqp.link;

import dev.hubsim.methods.DirectMethods;
import dev.hubsim.methods.MethodRequest;
import dev.hubsim.methods.MethodTarget;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The device's method-request receiver, served by the hub: while it is attached the device is subscribed to methods;
 * each request goes as one unsettled delivery (reference/iothub-twin-methods-mqtt.md §2.2): {@code correlation-id} an
 * AMQP {@code uuid}, application property {@code IoThub-methodname}, one Data section with the JSON payload
 * ({@code null} when there is none). An outcome other than Accepted (the Java SDK Rejects when its callback fails) is
 * logged; the call then times out, as the reference advises.
 */
final class MethodRequestLink extends LeasingSenderLink<MethodRequest> {
    static final String METHOD_NAME = "IoThub-methodname";
    private static final Logger LOG = LoggerFactory.getLogger(MethodRequestLink.class);
    private static final byte[] NULL_PAYLOAD = "null".getBytes(StandardCharsets.US_ASCII);

    private final DirectMethods methods;
    private final MethodTarget target;
    private final boolean correlationIdAsString;
    private final boolean withoutBodyWhenNull;
    private final Queue<MethodRequest> requests = new ConcurrentLinkedQueue<>();
    private DirectMethods.Subscription subscription;

    MethodRequestLink(LinkHost connection, Sender sender, DirectMethods methods, MethodTarget target) {
        super(connection, sender);
        this.methods = methods;
        this.target = target;
        this.correlationIdAsString = connection.hub().deviations().contains(dev.hubsim.faults.Deviation.METHOD_CORRELATION_ID_AS_STRING);
        this.withoutBodyWhenNull = connection.hub().deviations().contains(dev.hubsim.faults.Deviation.METHOD_REQUEST_WITHOUT_BODY);
    }

    @Override
    protected MethodRequest take() {
        return requests.poll();
    }

    @Override
    protected byte[] encode(MethodRequest request) {
        Message m = Proton.message();
        Properties properties = new Properties();
        properties.setCorrelationId(correlationIdAsString ? request.requestId().toString() : request.requestId());
        m.setProperties(properties);
        m.setApplicationProperties(new ApplicationProperties(Map.of(METHOD_NAME, request.methodName())));
        byte[] payload = request.payload() == null || request.payload().length == 0 ? NULL_PAYLOAD : request.payload();
        if (!(withoutBodyWhenNull && java.util.Arrays.equals(payload, NULL_PAYLOAD))) {
            m.setBody(new Data(new Binary(payload)));
        }
        byte[] buffer = new byte[payload.length + 256 + request.methodName().length() * 4];
        int length = m.encode(buffer, 0, buffer.length);
        return java.util.Arrays.copyOf(buffer, length);
    }

    @Override
    protected byte[] deliveryTag(MethodRequest request) {
        ByteBuffer tag = ByteBuffer.allocate(16);
        tag.putLong(request.requestId().getMostSignificantBits()).putLong(request.requestId().getLeastSignificantBits());
        return tag.array();
    }

    @Override
    protected void settled(MethodRequest request, DeliveryState outcome) {
        if (outcome != null && !(outcome instanceof Accepted)) {
            LOG.info("device '{}' settled method request {} ('{}') with {}; the call will time out unless it answers", target,
                    request.requestId(), request.methodName(), outcome);
        }
    }

    @Override
    protected void giveBack(MethodRequest request) {
        // The link went before the device settled: its answer may still come on the response link; else the call times out.
    }

    @Override
    protected void listen(Runnable wake) {
        subscription = methods.subscribe(target, request -> {
            requests.add(request);
            wake.run();
        });
    }

    @Override
    protected void unlisten(Runnable wake) {
        if (subscription != null) {
            subscription.close();
        }
    }
}
