package dev.hubsim.conformance.cli;

import dev.hubsim.conformance.client.AdapterChannel;
import dev.hubsim.conformance.clientkit.ClientKit;
import dev.hubsim.conformance.embedded.ImpHub;
import dev.hubsim.conformance.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hubsim kit client --adapter CMD [--dir DIR]}: the client features against the adapter and an embedded hub. */
@Command(name = "client", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Judges a client library through its adapter (conformance/ADAPTER-PROTOCOL.md) against an embedded hub "
                + "(the imp limit profile) and writes the reports to REPORTS/<adapter name>/ (report.html, statements.json, cucumber.*).",
                "Example: ./hubsim kit client --adapter \"/usr/bin/python3 adapter.py\" --dir conformance/adapters/python"})
public final class ClientCommand implements Callable<Integer> {
    @Option(names = "--adapter", required = true, paramLabel = "COMMAND",
            description = "The adapter's command line, split on spaces (e.g. \"node adapter.js\").")
    String adapter;

    @Option(names = "--dir", paramLabel = "DIR", description = "Directory the adapter runs in. Default: the current directory.")
    File dir = new File(".");

    @Option(names = "--reports", paramLabel = "DIR", description = "Reports go to DIR/<adapter name>/ (one directory per adapter). Default: ${DEFAULT-VALUE}")
    Path reports = Path.of("hubsim-kit-reports");

    @Option(names = "--amqps-port", paramLabel = "PORT",
            description = "The embedded hub's AMQPS port: 0 picks a free one; 5671 for clients that insist on it (the Azure IoT SDKs, deviceSdk adapters). Default: ${DEFAULT-VALUE}")
    int amqpsPort;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "How long the kit waits for what must happen (an event, a frame). Default: ${DEFAULT-VALUE}")
    int timeoutSeconds = 10;

    @Option(names = "--reply-timeout", paramLabel = "SECONDS", description = "How long the kit waits for the hello and each reply. Default: ${DEFAULT-VALUE}")
    int replyTimeoutSeconds = 10;

    @Option(names = "--feature", paramLabel = "NAME", description = "Run only this feature (e.g. events); repeatable. Default: all of them.")
    List<String> features = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        // Read once by the kit's classes: set before they load.
        System.setProperty("hubsim.clientkit.timeoutSeconds", Integer.toString(timeoutSeconds));
        System.setProperty("hubsim.clientkit.replyTimeoutSeconds", Integer.toString(replyTimeoutSeconds));
        List<String> selected = features.isEmpty() ? List.of(ClientKit.FEATURES)
                : features.stream().map(f -> ClientKit.FEATURES + "/" + f.replaceAll("\\.feature$", "") + ".feature").toList();
        // The adapter first: a command that does not start is a setup error before the hub costs its start-up.
        try (AdapterChannel channel = AdapterChannel.start(adapter, dir)) {
            String name = channel.hello().path("name").asText("adapter");
            System.out.println("client kit: starting the embedded hub" + (amqpsPort == 0 ? "" : " on port " + amqpsPort));
            try (ImpHub hub = new ImpHub(amqpsPort)) {
                return judge(channel, hub, name, selected);
            }
        }
    }

    private int judge(AdapterChannel channel, ImpHub hub, String name, List<String> selected) throws Exception {
        System.out.println("client kit: adapter '" + name + "', protocol version " + channel.protocolVersion() + ", capabilities "
                + channel.capabilities() + "; hub " + hub.amqpsUrl());
        Path out = reports.resolve(ClientKit.slug(name));
        ClientKit.Result result = ClientKit.run(channel, hub, out, selected, null, true);
        result.report().path("statements").properties().forEach(e -> System.out.printf("client kit: %-13s %-6s %s%n", e.getKey(),
                e.getValue().path("strength").asText(), e.getValue().path("verdict").asText()));
        if (!result.failures().isEmpty()) {
            System.out.print("client kit: failures:\n" + result.failures());
        }
        System.out.printf("client kit: %s: %d MUST pass, %d MUST fail, %d MUST not applicable; %d SHOULD pass, %d SHOULD fail%n",
                result.outcome() == ClientKit.Outcome.NO_VERDICT ? "NO VERDICT (no MUST statement could be checked)" : result.outcome(),
                result.count("MUST", "PASS"), result.count("MUST", "FAIL"), result.count("MUST", "NOT APPLICABLE"),
                result.count("SHOULD", "PASS"), result.count("SHOULD", "FAIL"));
        System.out.println("client kit: reports in " + out.toAbsolutePath() + " (" + HtmlReport.FILE_NAME + ")");
        return result.outcome().exitStatus;
    }
}
