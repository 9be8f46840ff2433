package dev.codi.training.loop;

import dev.codi.training.TrainingStep;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The smoothed loss every {@value #EVERY} steps, appended to {@value #FILE} in the checkpoint root
 * as {@code stage,step,loss} rows (the CSV the evaluation's loss curves read). The log has a line
 * only per checkpoint (every 250 steps by default), too few for a curve. Resumed and extended runs append
 * to the same file, so a stretch repeated after a crash shows up twice: readers keep the last row
 * of a (stage, step).
 */
public final class LossHistory implements AutoCloseable {
    public static final String FILE = "loss-history.csv";
    static final String HEADER = "stage,step,loss";
    static final int EVERY = 10;

    private final Path file;
    private final BufferedWriter out;

    private LossHistory(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Opens {@code <root>/loss-history.csv} for appending, writing the header if the file is new or empty. */
    static LossHistory open(Path root) {
        Path file = root.resolve(FILE);
        try {
            Files.createDirectories(root);
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            LossHistory history = new LossHistory(file, out);
            if (fresh) {
                history.write(HEADER);
            }
            return history;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** Records the smoothed loss after {@code step} completed steps, when {@code step} is a multiple of {@value #EVERY}. */
    void record(TrainingStep stage, int step, double smoothedLoss) {
        if (step % EVERY == 0) {
            write(stage.id() + "," + step + "," + String.format(Locale.ROOT, "%.6g", smoothedLoss));
        }
    }

    private void write(String line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush(); // a crash loses no row that a checkpoint already covers
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
