package dev.hubsim.junit;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A class that opts out keeps what its tests leave behind. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NoResetBetweenTestsTest {
    @RegisterExtension
    static final HubSimulatorExtension HUB = HubSimulatorExtension.builder().resetBetweenTests(false).build();

    @Test
    @Order(1)
    void first() {
        ResetBetweenTestsTest.leaveStateBehind(HUB.simulator());
    }

    @Test
    @Order(2)
    void secondSeesWhatTheFirstLeft() {
        assertEquals(1, HUB.simulator().cloudToDevice().depth("device1"), "nothing was reset");
    }
}
