package dev.hubsim.junit;

import dev.hubsim.HubSimulator;
import dev.hubsim.faults.Scope;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A simulator shared by a class starts each test method clean: the first test leaves state behind, the second looks for it. */
@HubSimulatorTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResetBetweenTestsTest {

    static Message c2d(String deviceId) {
        Message m = Proton.message();
        m.setAddress("/devices/" + deviceId + "/messages/devicebound");
        m.setBody(new Data(new Binary("left behind".getBytes(StandardCharsets.UTF_8))));
        return m;
    }

    static void leaveStateBehind(HubSimulator hub) {
        hub.cloudToDevice().send(c2d("device1"));
        hub.faults().delayCbsReplies(Scope.all(), Duration.ofSeconds(30));
        assertEquals(1, hub.cloudToDevice().depth("device1"));
    }

    @Test
    @Order(1)
    void first(HubSimulator hub) {
        leaveStateBehind(hub);
    }

    @Test
    @Order(2)
    void secondStartsClean(HubSimulator hub) {
        assertEquals(0, hub.cloudToDevice().depth("device1"), "the queue was emptied before this test");
    }
}
