package dev.hubsim.conformance.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The statements catalogue, features/STATEMENTS.md: one table row per statement. */
public record Catalogue(Map<String, Statement> statements) {
    public static final Pattern ID = Pattern.compile("(HUB|IMP)-[A-Z0-9]+-\\d{3}");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*((?:HUB|IMP)-[A-Z0-9]+-\\d{3})\\s*\\|(.*)\\|\\s*$");

    /** The heading under which the client statements start; rows above it are the hub's. */
    public static final String CLIENT_SECTION = "## Client statements";
    private static final String RESOURCE = "/hubsim-features/STATEMENTS.md";

    /**
     * One row: the ID, our wording, its source, MUST / SHOULD / INFO, the scenarios or the reason there are none, and
     * whether it is about clients (below {@link #CLIENT_SECTION}) rather than the hub.
     */
    public record Statement(String id, String text, String source, String strength, String checkedBy, boolean client) {
    }

    public static Path defaultPath() {
        return Path.of(System.getProperty("hubsim.specs.catalogue", "../features/STATEMENTS.md"));
    }

    /** The catalogue packed in the kit (hubsim-features/STATEMENTS.md), unless {@code hubsim.specs.catalogue} names a file. */
    public static Catalogue load() throws IOException {
        String file = System.getProperty("hubsim.specs.catalogue");
        if (file != null) {
            return read(Path.of(file));
        }
        try (java.io.InputStream in = Catalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return read(defaultPath());
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList());
        }
    }

    public static Catalogue read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    private static Catalogue parse(List<String> lines) {
        Map<String, Statement> rows = new LinkedHashMap<>();
        boolean client = false;
        for (String line : lines) {
            client |= line.startsWith(CLIENT_SECTION);
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                String[] cells = m.group(2).split("\\|", -1);
                if (cells.length != 4) {
                    throw new IllegalArgumentException("row " + m.group(1) + " must have 5 cells: " + line);
                }
                Statement s = new Statement(m.group(1), cells[0].trim(), cells[1].trim(), cells[2].trim(), cells[3].trim(), client);
                if (!List.of("MUST", "SHOULD", "INFO").contains(s.strength())) {
                    throw new IllegalArgumentException("row " + s.id() + " has strength '" + s.strength() + "'");
                }
                if (rows.put(s.id(), s) != null) {
                    throw new IllegalArgumentException("duplicate statement " + s.id());
                }
            }
        }
        return new Catalogue(rows);
    }
}
