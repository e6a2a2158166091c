package dev.hubsim.conformance.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The kit's command line, {@code ./hubsim kit ...}: {@code client} judges a client library through its adapter against
 * an embedded hub; {@code specs} runs the hub specs against any IoT Hub endpoint. Exit status: 0 every MUST statement
 * checked passed, 1 a MUST statement failed, 2 no verdict (no MUST statement checked) or a setup error.
 */
@Command(name = "hubsim kit", mixinStandardHelpOptions = true, version = "hubsim kit 0.1.0",
        description = "The hubsim conformance kit. Exit status: 0 all MUST statements checked pass, 1 a MUST statement failed, "
                + "2 no verdict (no MUST statement could be checked) or a setup error.",
        subcommands = {ClientCommand.class, SpecsCommand.class, CommandLine.HelpCommand.class})
public final class KitCommand implements Runnable {
    /** Exit status of a run that could not judge: no MUST statement checked, or the setup failed. */
    public static final int NO_VERDICT = 2;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "hubsim-kit-logback.xml");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with the kit's exit statuses for usage and setup errors (2, like "no verdict"). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new KitCommand());
        cli.setExitCodeExceptionMapper(e -> NO_VERDICT);
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("hubsim kit: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return NO_VERDICT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("hubsim kit: setup error: " + e);
            return NO_VERDICT;
        });
        return cli;
    }
}
