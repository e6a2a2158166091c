package dev.hubsim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's code comes from compiled, passing tests: this keeps the two the same. */
class ReadmeTest {
    private static final Pattern SNIPPET = Pattern.compile("// README:begin (\\S+)\\R(.*?)\\R\\s*// README:end \\1", Pattern.DOTALL);

    @ParameterizedTest
    @ValueSource(strings = {"AzureSdkTest.java", "EventHubSdkTest.java", "methods/MethodsSdkTest.java", "twin/TwinSdkTest.java", "https/ControlTwinsMethodsTest.java",
            "twin/QuerySdkTest.java"})
    void theReadmeQuotesTheSdkExamplesExactly(String testFile) throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/hubsim/" + testFile));
        Matcher m = SNIPPET.matcher(source);
        assertTrue(m.find(), "an example is marked in " + testFile);
        String readme = Files.readString(Path.of("../README.md"));
        do {
            List<String> lines = m.group(2).lines().toList();
            int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
            String expected = String.join("\n", lines.stream().map(l -> l.length() >= indent ? l.substring(indent) : l).toList());
            assertTrue(readme.contains("```java\n" + expected + "\n```"), "README.md must quote this block:\n" + expected);
        } while (m.find());
    }

    @Test
    void theCiScriptRunsTheReadmesTestCommand() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        String ci = Files.readString(Path.of("../.ci/run"));
        assertTrue(readme.contains("Run all tests (what CI runs):\n\n```\nmvn -B verify\n```"));
        assertTrue(ci.lines().anyMatch(l -> l.equals("mvn -B verify")));
    }
}
