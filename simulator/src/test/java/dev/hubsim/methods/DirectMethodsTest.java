package dev.hubsim.methods;

import dev.hubsim.registry.Device;
import dev.hubsim.registry.DeviceRegistry;
import dev.hubsim.registry.DeviceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The methods core without any face: waiting for a device to subscribe, and the 404103 texts. */
class DirectMethodsTest {
    private static final String KEY = "a2V5LWtleS1rZXkta2V5LWtleS1rZXk=";
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final DeviceRegistry registry = new DeviceRegistry(List.of(new Device("d1", KEY, KEY, DeviceStatus.ENABLED, "1")), List.of());

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aCallWaitsUpToTheConnectTimeoutForTheDeviceToSubscribe() throws Exception {
        DirectMethods methods = new DirectMethods(registry, scheduler, id -> false);
        CompletableFuture<MethodOutcome> call = methods.invoke(MethodTarget.device("d1"), "m", "{}".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(5), Duration.ofSeconds(30));
        assertFalse(call.isDone(), "waits for the device");
        BlockingQueue<MethodRequest> delivered = new LinkedBlockingQueue<>();
        methods.subscribe(MethodTarget.device("d1"), delivered::add);
        MethodRequest request = delivered.poll(5, TimeUnit.SECONDS);
        assertEquals("m", request.methodName());
        assertEquals(4, request.requestId().version(), "a random v4 UUID");
        assertTrue(methods.respond(request.requestId(), 200, "1".getBytes(StandardCharsets.UTF_8)));
        MethodOutcome.Answered answered = assertInstanceOf(MethodOutcome.Answered.class, call.get(5, TimeUnit.SECONDS));
        assertArrayEquals("1".getBytes(StandardCharsets.UTF_8), answered.payload());
        assertFalse(methods.respond(request.requestId(), 200, null), "a second answer is dropped");
        assertEquals(1, methods.calls().size());
    }

    @Test
    void aDeviceThatNeverSubscribesGets404103SayingWhetherItWasConnected() throws Exception {
        for (boolean connected : new boolean[]{false, true}) {
            DirectMethods methods = new DirectMethods(registry, scheduler, Set.of(connected ? "d1" : "other")::contains);
            long start = System.nanoTime();
            MethodOutcome outcome = methods.invoke(MethodTarget.device("d1"), "m", null, null, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start >= Duration.ofSeconds(1).toNanos(), "not before the connect timeout");
            MethodOutcome.Failed failed = assertInstanceOf(MethodOutcome.Failed.class, outcome);
            assertEquals(404103, failed.code());
            assertEquals(connected ? "Timed out waiting for device to subscribe." : "Timed out waiting for device to connect.", failed.message());
        }
    }

    @Test
    void aClosedSubscriptionNoLongerReceivesAndANewerOneStays() throws Exception {
        DirectMethods methods = new DirectMethods(registry, scheduler, id -> true);
        BlockingQueue<MethodRequest> old = new LinkedBlockingQueue<>();
        BlockingQueue<MethodRequest> newer = new LinkedBlockingQueue<>();
        DirectMethods.Subscription first = methods.subscribe(MethodTarget.device("d1"), old::add);
        methods.subscribe(MethodTarget.device("d1"), newer::add);
        first.close();
        assertTrue(methods.subscribed(MethodTarget.device("d1")), "closing the replaced subscription leaves the newer one");
        methods.invoke(MethodTarget.device("d1"), "m", null, null, null);
        assertEquals("m", newer.poll(5, TimeUnit.SECONDS).methodName());
        assertTrue(old.isEmpty());
    }
}
