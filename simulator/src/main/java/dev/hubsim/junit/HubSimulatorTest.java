package dev.hubsim.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Starts one simulator for the annotated test class, resets it before each test method, and injects it as a
 * {@link dev.hubsim.HubSimulator} parameter.
 * Ports default to 0 (free ports, safe in parallel); set {@code amqpsPort = 5671} (AMQP) or {@code mqttsPort = 8883} (MQTT) for
 * the Azure IoT SDKs.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(HubSimulatorExtension.class)
public @interface HubSimulatorTest {
    int amqpsPort() default 0;

    int amqpPort() default 0;

    /** HTTPS and AMQP and MQTT over WebSockets; the SDKs need 443. */
    int httpsPort() default 0;

    /** MQTT over TLS; the SDKs need 8883. */
    int mqttsPort() default 0;

    /** A hub definition (JSON or YAML): a classpath resource, or a file path. Empty: the default hub. */
    String config() default "";

    /**
     * Reset the simulator before each test method (faults, C2D queues and feedback, stored telemetry, closed
     * connections' traces); false when the class's tests build on each other's state.
     */
    boolean resetBetweenTests() default true;
}
