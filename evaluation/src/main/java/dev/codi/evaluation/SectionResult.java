package dev.codi.evaluation;

import java.util.Map;

/** One section of the report: its markdown and, by name, the tables in it (tests read those). */
public record SectionResult(String title, String markdown, Map<String, Markdown> tables) {
    public SectionResult {
        tables = Map.copyOf(tables);
    }

    public Markdown table(String name) {
        Markdown table = tables.get(name);
        if (table == null) {
            throw new IllegalArgumentException("no table '" + name + "' in section '" + title + "', only " + tables.keySet());
        }
        return table;
    }
}
