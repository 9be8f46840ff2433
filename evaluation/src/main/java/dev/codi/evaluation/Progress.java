package dev.codi.evaluation;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on stderr (the report goes to a file); silent when the report runs inside tests. */
public final class Progress {
    private final boolean shown;

    public Progress(boolean shown) {
        this.shown = shown;
    }

    public static Progress silent() {
        return new Progress(false);
    }

    /** One line on stderr, such as a figure measured, which a long run's log then keeps; nothing when progress is not shown. */
    public void note(String line) {
        if (shown) {
            System.err.println(line);
        }
    }

    /** A bar counting {@code unit}s; a no-op bar when progress is not shown. */
    public ProgressBar bar(String task, long total, String unit) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" " + unit, 1).showSpeed();
        if (!shown) {
            builder.setConsumer(new DelegatingProgressBarConsumer(line -> { }));
        } else if (System.console() == null) { // a log file: a line every half minute instead of carriage returns
            builder.setConsumer(new DelegatingProgressBarConsumer(line -> System.err.println(line.strip()), 120))
                    .setUpdateIntervalMillis(30_000);
        }
        return builder.build();
    }
}
