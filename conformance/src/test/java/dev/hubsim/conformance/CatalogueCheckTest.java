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

    @Test
    void everyTagNamesARowAndEveryMustRowIsCheckedOrExplained() throws Exception {
        Catalogue catalogue = Catalogue.read(Catalogue.defaultPath());
        Map<String, Set<String>> tagged = new TreeMap<>();
        List<Path> features;
        try (Stream<Path> walk = Files.walk(FEATURES)) {
            features = walk.filter(p -> p.toString().endsWith(".feature")).toList();
        }
        for (Path feature : features) {
            for (String line : Files.readAllLines(feature)) {
                Matcher m = TAG.matcher(line);
                while (m.find()) {
                    tagged.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(FEATURES.relativize(feature).toString());
                }
            }
        }
        List<String> problems = new ArrayList<>();
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
        assertTrue(catalogue.statements().size() >= 40, "the catalogue has " + catalogue.statements().size() + " rows");
    }
}
