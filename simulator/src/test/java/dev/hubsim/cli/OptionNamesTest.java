package dev.hubsim.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.OutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Options keep their old names as deprecated aliases: scripts written against an earlier version still parse. */
class OptionNamesTest {
    private static SimulatorCommand parse(String... args) {
        SimulatorCommand command = new SimulatorCommand(new PrintStream(OutputStream.nullOutputStream()));
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void bindHostAndItsOldNameBind() {
        assertEquals("0.0.0.0", parse("--bind-host", "0.0.0.0").bindHost);
        SimulatorCommand old = parse("--bind", "0.0.0.0");
        assertEquals("0.0.0.0", old.deprecatedBind, "--bind still parses");
        assertEquals("127.0.0.1", old.bindHost);
    }

    @Test
    void maxFrameSizeInBytes() {
        assertEquals(16384, parse("--max-frame-size", "16384").maxFrameSize);
        assertNull(parse().maxFrameSize, "the hub's default unless given");
    }
}
