package dev.hubsim.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * The CLI's log setup: one line per event on stderr, Artemis' start-up chatter held back. Set in code rather than
 * from an XML file: parsing logback XML loads about 400 classes, a tenth of a cold start. A user's
 * {@code -Dlogback.configurationFile} wins.
 */
final class CliLogging {
    private CliLogging() {
    }

    static void configure() {
        if (System.getProperty("logback.configurationFile") != null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        context.getLogger("org.apache.activemq").setLevel(Level.WARN);
        context.getLogger("org.apache.activemq.artemis.core.server").setLevel(Level.ERROR);
    }
}
