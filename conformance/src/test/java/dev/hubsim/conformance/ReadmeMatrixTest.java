package dev.hubsim.conformance;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** README.md shows the mutation matrix the build checks, word for word. */
class ReadmeMatrixTest {
    private static final String START = "<!-- mutation-matrix:start -->\n";
    private static final String END = "<!-- mutation-matrix:end -->";

    @Test
    void theReadmeShowsTheMatrixTheBuildChecks() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        int from = readme.indexOf(START);
        int to = readme.indexOf(END);
        String shown = from < 0 || to < from ? "(no matrix between the mutation-matrix markers)" : readme.substring(from + START.length(), to);
        assertEquals(MutationMatrix.readmeTable(), shown, "README.md's mutation matrix; the expected text is MutationMatrix.readmeTable()");
    }
}
