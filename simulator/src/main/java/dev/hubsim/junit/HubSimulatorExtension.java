package dev.hubsim.junit;

import dev.hubsim.HubSimulator;
import dev.hubsim.config.HubConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * JUnit 5 extension that runs a simulator around a test class, in two modes:
 * <ul>
 *   <li>annotation: {@code @HubSimulatorTest} on the class;</li>
 *   <li>builder: {@code @RegisterExtension static HubSimulatorExtension hub = HubSimulatorExtension.builder()...build();}
 *   (a non-static field gets a simulator per test method).</li>
 * </ul>
 * Tests receive the running {@link HubSimulator} as a parameter, or from {@link #simulator()} in builder mode. A
 * simulator shared by a class is {@linkplain HubSimulator#reset() reset} before each test method (faults, C2D queues
 * and feedback, stored telemetry, closed connections' traces), as WireMock's extension resets its stubs; opt out with
 * {@code resetBetweenTests = false} or {@code .resetBetweenTests(false)} when a class's tests build on each other.
 */
public final class HubSimulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    /** Keys and TLS material are shared by every test simulator of this machine: quick starts, stable strings. */
    public static final Path DEFAULT_DATA_DIR = Path.of(System.getProperty("java.io.tmpdir"), "hubsim-junit");

    private final Consumer<HubSimulator.Builder> configuration;
    private boolean resetBetweenTests;
    private HubSimulator simulator;
    private boolean perTest;

    /** Used by {@code @HubSimulatorTest}; reads the annotation. */
    public HubSimulatorExtension() {
        this.configuration = null;
        this.resetBetweenTests = true;
    }

    private HubSimulatorExtension(Consumer<HubSimulator.Builder> configuration, boolean resetBetweenTests) {
        this.configuration = configuration;
        this.resetBetweenTests = resetBetweenTests;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The running simulator (builder mode). */
    public HubSimulator simulator() {
        if (simulator == null) {
            throw new IllegalStateException("the simulator runs only while the test class (or method) runs");
        }
        return simulator;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        simulator = start(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopSimulator();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (simulator == null) {
            // Registered on an instance field: beforeAll never ran, so each test gets its own simulator.
            perTest = true;
            simulator = start(context);
        } else if (!perTest && resetBetweenTests) {
            simulator.reset();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stopSimulator();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == HubSimulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return simulator();
    }

    private HubSimulator start(ExtensionContext context) {
        HubSimulator.Builder builder = HubSimulator.builder().dataDir(DEFAULT_DATA_DIR).amqpsPort(0).amqpPort(0).httpsPort(0).mqttsPort(0);
        if (configuration != null) {
            configuration.accept(builder);
        } else {
            HubSimulatorTest annotation = context.getTestClass()
                    .flatMap(c -> AnnotationSupport.findAnnotation(c, HubSimulatorTest.class))
                    .orElseThrow(() -> new ExtensionConfigurationException("use @HubSimulatorTest or HubSimulatorExtension.builder()"));
            builder.amqpsPort(annotation.amqpsPort()).amqpPort(annotation.amqpPort()).httpsPort(annotation.httpsPort())
                    .mqttsPort(annotation.mqttsPort());
            resetBetweenTests = annotation.resetBetweenTests();
            if (!annotation.config().isEmpty()) {
                builder.configFile(resolveConfig(annotation.config(), context));
            }
        }
        return builder.start();
    }

    private synchronized void stopSimulator() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }

    private static Path resolveConfig(String config, ExtensionContext context) {
        Path file = Path.of(config);
        if (Files.exists(file)) {
            return file;
        }
        ClassLoader loader = context.getRequiredTestClass().getClassLoader();
        try (InputStream in = loader.getResourceAsStream(config.startsWith("/") ? config.substring(1) : config)) {
            if (in == null) {
                throw new ExtensionConfigurationException("hub config '" + config + "' is neither a file nor a classpath resource");
            }
            String name = config.substring(config.lastIndexOf('/') + 1);
            Path copy = Files.createTempFile("hubsim-config-", "-" + name);
            Files.write(copy, in.readAllBytes());
            copy.toFile().deleteOnExit();
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builder mode: every {@link HubSimulator.Builder} option, with free ports by default. */
    public static final class Builder {
        private Consumer<HubSimulator.Builder> steps = b -> { };
        private boolean resetBetweenTests = true;

        private Builder() {
        }

        private Builder then(Consumer<HubSimulator.Builder> step) {
            steps = steps.andThen(step);
            return this;
        }

        public Builder amqpsPort(int port) {
            return then(b -> b.amqpsPort(port));
        }

        public Builder amqpPort(int port) {
            return then(b -> b.amqpPort(port));
        }

        public Builder httpsPort(int port) {
            return then(b -> b.httpsPort(port));
        }

        public Builder mqttsPort(int port) {
            return then(b -> b.mqttsPort(port));
        }

        public Builder hub(HubConfig config) {
            return then(b -> b.hub(config));
        }

        public Builder configFile(Path file) {
            return then(b -> b.configFile(file));
        }

        public Builder dataDir(Path dir) {
            return then(b -> b.dataDir(dir));
        }

        /** The IoT Hub tier to play, with its throttles and daily quota (off by default). */
        public Builder tier(dev.hubsim.throttling.Tier tier, int units) {
            return then(b -> b.tier(tier, units));
        }

        /** Whether a simulator shared by the class is reset before each test method (true by default). */
        public Builder resetBetweenTests(boolean reset) {
            this.resetBetweenTests = reset;
            return this;
        }

        /** Any other option of the simulator's own builder. */
        public Builder configure(Consumer<HubSimulator.Builder> step) {
            return then(step);
        }

        public HubSimulatorExtension build() {
            return new HubSimulatorExtension(steps, resetBetweenTests);
        }
    }
}
