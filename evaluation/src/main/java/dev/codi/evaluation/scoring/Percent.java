package dev.codi.evaluation.scoring;

import java.util.Locale;

/** How shares print in the report: one decimal, "–" for no data. */
public final class Percent {
    private Percent() {
    }

    public static String of(double share) {
        return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }
}
