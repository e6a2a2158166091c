package dev.hubsim.conformance;

import dev.hubsim.conformance.report.Catalogue;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalogue and the features agree: every tag names a row, every MUST row has a scenario or a written reason. */
class CatalogueCheckTest {
    private static final Pattern TAG = Pattern.compile("@([A-Z]+-[A-Z0-9]+-\\d+)");
    private static final Path FEATURES = Path.of("../features");

    private static boolean examplesTagged(List<String> lines, int outline) {
        for (int j = outline + 1; j < lines.size() && !isScenario(lines.get(j)); j++) {
            if (lines.get(j).trim().startsWith("Examples") && !lines.get(j - 1).trim().startsWith("@")) {
                return false;
            }
        }
        return true;
    }

    /** A scenario's (or outline's) first line; a description line may start with the word "Scenarios". */
    private static boolean isScenario(String line) {
        String t = line.trim();
        return t.startsWith("Scenario:") || t.startsWith("Scenario Outline:") || t.startsWith("Scenario Template:");
    }

    /** A scenario names its statements and one strength, the strength its statements have in the catalogue. */
    private static void checkStrengthTag(Catalogue catalogue, String where, String tagLine, List<String> problems) {
        List<String> strengths = Stream.of("MUST", "SHOULD", "INFO").filter(st -> tagLine.contains("@" + st)).toList();
        Matcher m = TAG.matcher(tagLine);
        List<String> ids = new ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        if (ids.isEmpty() || strengths.size() != 1) {
            problems.add(where + ": a scenario needs its statement IDs and exactly one of @MUST/@SHOULD/@INFO on the line above it");
            return;
        }
        for (String id : ids) {
            Catalogue.Statement row = catalogue.statements().get(id);
            if (row != null && !row.strength().equals(strengths.get(0))) {
                problems.add(where + ": tagged @" + strengths.get(0) + " but " + id + " is " + row.strength() + " in STATEMENTS.md");
            }
        }
    }

    @Test
    void everyTagNamesARowAndEveryMustRowIsCheckedOrExplained() throws Exception {
        Catalogue catalogue = Catalogue.read(Catalogue.defaultPath());
        Map<String, Set<String>> tagged = new TreeMap<>();
        List<Path> features;
        try (Stream<Path> walk = Files.walk(FEATURES)) {
            features = walk.filter(p -> p.toString().endsWith(".feature")).toList();
        }
        List<String> problems = new ArrayList<>();
        for (Path feature : features) {
            List<String> lines = Files.readAllLines(feature);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher m = TAG.matcher(line);
                while (m.find()) {
                    tagged.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(FEATURES.relativize(feature).toString());
                }
                String above = i > 0 ? lines.get(i - 1) : "";
                boolean hasTags = above.trim().startsWith("@");
                String where = FEATURES.relativize(feature) + ":" + (i + 1);
                if (isScenario(line) && (hasTags || !line.trim().startsWith("Scenario Outline"))) {
                    checkStrengthTag(catalogue, where, above, problems);
                } else if (line.trim().startsWith("Scenario Outline") || (line.trim().startsWith("Examples") && hasTags)) {
                    // An outline may carry its tags per Examples block instead (sasl.feature's mechanisms).
                    if (line.trim().startsWith("Examples")) {
                        checkStrengthTag(catalogue, where, above, problems);
                    } else if (!examplesTagged(lines, i)) {
                        problems.add(where + ": an untagged outline needs tags on each of its Examples blocks");
                    }
                }
            }
        }
        tagged.forEach((id, files) -> {
            if (!catalogue.statements().containsKey(id)) {
                problems.add(id + " is tagged in " + files + " but has no row in STATEMENTS.md");
            }
        });
        for (Catalogue.Statement s : catalogue.statements().values()) {
            boolean hasScenario = tagged.containsKey(s.id());
            String cell = s.checkedBy();
            if (!hasScenario && s.strength().equals("MUST") && !cell.toLowerCase().startsWith("none:")) {
                problems.add(s.id() + " is MUST with no scenario and no reason (write 'none: <reason>')");
            }
            if (hasScenario && cell.toLowerCase().startsWith("none:")) {
                problems.add(s.id() + " says it has no scenario but " + tagged.get(s.id()) + " tag it");
            }
            if (!hasScenario && !cell.toLowerCase().startsWith("none:")) {
                problems.add(s.id() + " names scenarios (" + cell + ") but no scenario is tagged with it");
            }
        }
        assertTrue(problems.isEmpty(), "catalogue check:\n" + String.join("\n", problems));
        assertTrue(tagged.size() >= 50, "statements tagged: " + tagged.size());
        assertTrue(catalogue.statements().size() >= 40, "the catalogue has " + catalogue.statements().size() + " rows");
    }
}
