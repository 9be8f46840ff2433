package dev.codi.evaluation.pictures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training loss curves, one panel per stage (stages differ in scale: a VAE's reconstruction loss
 * is not an ε-MSE), log-scaled loss against step. A run's losses are spread over several files:
 * the trainer's {@code loss-history.csv} (a row every 10 steps) and the logs of each attempt and
 * extension (a line per checkpoint and a progress line a minute). {@link #fromSources} merges them
 * into one CSV with the header {@code stage,step,loss}, which {@link #plot} draws.
 *
 * <pre>
 *   java -cp … dev.codi.evaluation.pictures.LossCurves OUT.png SOURCE...   # also writes training-loss.csv beside OUT.png
 * </pre>
 */
public final class LossCurves {
    public static final String HEADER = "stage,step,loss";
    /** The merged CSV, written next to the pictures. */
    public static final String MERGED_CSV = "training-loss.csv";
    /** The trainer's stages in the order they run (training's {@code Stage} enum; evaluation does not depend on training). */
    public static final List<String> TRAINING_ORDER = List.of("image-autoencoder", "audio-autoencoder", "text-autoencoder",
            "text-image-alignment", "image-alignment", "audio-alignment", "video-alignment", "image-denoiser", "audio-denoiser", "text-denoiser",
            "video-denoiser", "joint-text-image", "joint-text-audio", "joint-audio-video", "joint-mixed");
    public static final int PANEL_WIDTH = 380;
    public static final int PANEL_HEIGHT = 230;
    public static final int COLUMNS = 3;
    public static final int HEADER_HEIGHT = 30;

    /** {@code <stage> step <n>/<total>: loss <x> (smoothed), …}: the trainer's line at each checkpoint. */
    private static final Pattern CHECKPOINT_LINE = Pattern.compile("(\\S+) step (\\d+)/\\d+: loss ([-+0-9.eE]+|NaN)");
    /** {@code <stage>  59% [===   ]  888/1500 steps (…) 2.3 steps/s loss 0.0166}: the progress bar's line a minute in a log file. */
    private static final Pattern PROGRESS_LINE = Pattern.compile("(\\S+)\\s+\\d+% \\[[^\\]]*\\]\\s+(\\d+)/\\d+ steps .* loss ([-+0-9.eE]+|NaN)\\s*$");

    private static final Font TITLE_FONT = Canvas.FONT.deriveFont(Font.BOLD, 13f);
    private static final Font DETAIL_FONT = Canvas.FONT.deriveFont(11f);
    private static final Font TICK_FONT = Canvas.FONT.deriveFont(10f);
    private static final int MIN_LABEL_GAP = 14; // pixels between y tick labels, a little more than the tick font's height
    private static final Color FRAME = new Color(90, 90, 100);
    private static final Color GRID = new Color(48, 48, 56);
    private static final Color DIM_INK = new Color(160, 160, 168);
    /** Autoencoders, alignment, stage-1 denoisers, stage-2 joint training, anything else. */
    private static final Color[] PHASE_COLORS = {new Color(94, 201, 98), new Color(90, 160, 250), new Color(250, 170, 60),
            new Color(230, 90, 110), new Color(180, 130, 240)};

    /** One point of a curve. */
    public record Point(int step, double loss) {
    }

    private LossCurves() {
    }

    /** {@code LossCurves OUT.png SOURCE...}: merges the sources, writes {@value #MERGED_CSV} next to OUT.png, draws OUT.png. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: LossCurves OUT.png SOURCE...   (a SOURCE is a trainer log or a stage,step,loss CSV; "
                    + "where two give the same step of a stage, the later one wins)");
            System.exit(2);
        }
        Path png = Path.of(args[0]);
        Path csv = png.toAbsolutePath().getParent().resolve(MERGED_CSV);
        List<Path> sources = Arrays.stream(args).skip(1).map(Path::of).toList();
        int rows = fromSources(sources, csv);
        plot(csv, png);
        System.err.printf("%d loss points from %d sources → %s, %s%n", rows, sources.size(), csv, png);
    }

    /** Reads a CSV with the header: stages in order of first appearance, points in file order; non-finite losses are dropped. */
    public static Map<String, List<Point>> read(Path csv) {
        return parseCsv(csv, lines(csv));
    }

    /** Reads a trainer log's checkpoint and progress lines, in file order; non-finite losses are dropped. */
    public static Map<String, List<Point>> readLog(Path log) {
        return parseLog(log, lines(log));
    }

    /** A CSV (recognised by its header, like the trainer's loss-history.csv) or else a trainer log. */
    public static Map<String, List<Point>> readSource(Path source) {
        List<String> lines = lines(source);
        return !lines.isEmpty() && lines.get(0).strip().equals(HEADER) ? parseCsv(source, lines) : parseLog(source, lines);
    }

    private static Map<String, List<Point>> parseCsv(Path csv, List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new IllegalArgumentException(csv + " must start with the header '" + HEADER + "'");
        }
        Map<String, List<Point>> curves = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split(",");
            if (cells.length != 3) {
                throw new IllegalArgumentException(csv + " line " + (i + 1) + ": expected stage,step,loss, got '" + line + "'");
            }
            add(curves, cells[0], cells[1], cells[2]);
        }
        return curves;
    }

    private static Map<String, List<Point>> parseLog(Path log, List<String> lines) {
        Map<String, List<Point>> curves = new LinkedHashMap<>();
        int matched = 0;
        for (String line : lines) {
            Matcher matcher = CHECKPOINT_LINE.matcher(line);
            if (!matcher.find()) {
                matcher = PROGRESS_LINE.matcher(line);
                if (!matcher.find()) {
                    continue;
                }
            }
            add(curves, matcher.group(1), matcher.group(2), matcher.group(3));
            matched++;
        }
        if (matched == 0) {
            throw new IllegalArgumentException(log + " holds no loss: neither a CSV with the header '" + HEADER
                    + "' nor a trainer log with '<stage> step <n>/<total>: loss <x>' lines");
        }
        return curves;
    }

    /**
     * One curve per stage from all sources: where two give the same step of a stage the later one
     * wins (a later source, or a later row of the same source: a resumed run repeats the steps
     * after its checkpoint); points sorted by step; stages in {@link #TRAINING_ORDER}, unknown ones
     * after them in order of first appearance.
     */
    public static Map<String, List<Point>> merge(List<Map<String, List<Point>>> sources) {
        Map<String, TreeMap<Integer, Double>> byStage = new LinkedHashMap<>();
        for (Map<String, List<Point>> source : sources) {
            source.forEach((stage, points) -> {
                TreeMap<Integer, Double> curve = byStage.computeIfAbsent(stage, s -> new TreeMap<>());
                points.forEach(point -> curve.put(point.step(), point.loss()));
            });
        }
        List<String> stages = new ArrayList<>(byStage.keySet());
        stages.sort(Comparator.comparingInt(LossCurves::trainingRank)); // stable: unknown stages keep their order
        Map<String, List<Point>> merged = new LinkedHashMap<>();
        for (String stage : stages) {
            merged.put(stage, byStage.get(stage).entrySet().stream().map(e -> new Point(e.getKey(), e.getValue())).toList());
        }
        return merged;
    }

    /** Merges {@code sources} (in this order: later wins) into {@code csv}; returns the row count. */
    public static int fromSources(List<Path> sources, Path csv) {
        Map<String, List<Point>> merged = merge(sources.stream().map(LossCurves::readSource).toList());
        List<String> rows = new ArrayList<>();
        rows.add(HEADER);
        merged.forEach((stage, points) -> points.forEach(p -> rows.add(stage + "," + p.step() + "," + p.loss())));
        try {
            Files.createDirectories(csv.toAbsolutePath().getParent());
            Files.write(csv, rows, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + csv, e);
        }
        return rows.size() - 1;
    }

    /** Width and height of the picture for {@code stages} panels. */
    public static int[] size(int stages) {
        int rows = (Math.max(stages, 1) + COLUMNS - 1) / COLUMNS;
        return new int[] {COLUMNS * PANEL_WIDTH, HEADER_HEIGHT + rows * PANEL_HEIGHT};
    }

    public static void plot(Path csv, Path png) {
        Map<String, List<Point>> curves = merge(List.of(read(csv)));
        if (curves.isEmpty()) {
            throw new IllegalArgumentException(csv + " holds no finite loss");
        }
        Canvas.writePng(draw(curves), png);
    }

    public static BufferedImage draw(Map<String, List<Point>> curves) {
        int[] size = size(curves.size());
        BufferedImage picture = Canvas.blank(size[0], size[1]);
        Graphics2D g = picture.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        text(g, DETAIL_FONT, DIM_INK, "Smoothed training loss per stage: loss on a log scale against the training step",
                12, 20, 0, size[0] - 24);
        int index = 0;
        for (Map.Entry<String, List<Point>> curve : curves.entrySet()) {
            int left = (index % COLUMNS) * PANEL_WIDTH;
            int top = HEADER_HEIGHT + (index / COLUMNS) * PANEL_HEIGHT;
            panel(g, left, top, curve.getKey(), curve.getValue());
            index++;
        }
        g.dispose();
        return picture;
    }

    /** One stage: title, detail line, grid with tick labels, and the curve (steps from 0, loss log-scaled). */
    private static void panel(Graphics2D g, int left, int top, String stage, List<Point> points) {
        Point first = points.get(0);
        Point last = points.get(points.size() - 1);
        text(g, TITLE_FONT, Canvas.INK, stage, left + 12, top + 16, 0, PANEL_WIDTH - 24);
        text(g, DETAIL_FONT, DIM_INK, String.format(Locale.ROOT, "steps %,d–%,d · loss %s → %s", first.step(), last.step(),
                lossLabel(first.loss()), lossLabel(last.loss())), left + 12, top + 31, 0, PANEL_WIDTH - 24);

        int plotLeft = left + 52;
        int plotRight = left + PANEL_WIDTH - 18;
        int plotTop = top + 42;
        int plotBottom = top + PANEL_HEIGHT - 26;
        double minLog = points.stream().mapToDouble(p -> log(p.loss())).min().orElseThrow();
        double maxLog = points.stream().mapToDouble(p -> log(p.loss())).max().orElseThrow();
        double pad = Math.max(0.05 * (maxLog - minLog), 0.02); // keeps the curve off the frame; a flat curve still gets a range
        Scale x = new Scale(0, Math.max(last.step(), 1), plotLeft, plotRight);
        Scale y = new Scale(minLog - pad, maxLog + pad, plotBottom, plotTop);

        g.setStroke(new BasicStroke(1f));
        List<Double> lossTicks = new ArrayList<>(lossTicks(Math.pow(10, y.from()), Math.pow(10, y.to())));
        lossTicks.sort(Comparator.comparingInt(LossCurves::labelPriority)); // 1, 10, 0.1 … first, then 2 and 5, then the rest
        List<Integer> labelled = new ArrayList<>();
        for (double loss : lossTicks) {
            int py = (int) Math.round(y.pixel(log(loss)));
            g.setColor(GRID);
            g.drawLine(plotLeft, py, plotRight, py);
            if (labelled.stream().allMatch(other -> Math.abs(other - py) >= MIN_LABEL_GAP)) { // crowded grid lines stay unlabelled
                text(g, TICK_FONT, DIM_INK, lossLabel(loss), plotLeft - 5, py + 4, 1, plotLeft - left - 8);
                labelled.add(py);
            }
        }
        for (int step : stepTicks((int) x.to())) {
            int px = (int) Math.round(x.pixel(step));
            g.setColor(GRID);
            g.drawLine(px, plotTop, px, plotBottom);
            text(g, TICK_FONT, DIM_INK, stepLabel(step), px, plotBottom + 14, 0.5, PANEL_WIDTH / 4);
        }
        g.setColor(FRAME);
        g.drawRect(plotLeft, plotTop, plotRight - plotLeft, plotBottom - plotTop);

        Path2D.Double line = new Path2D.Double();
        for (Point point : points) { // an extension's gap in steps is just joined
            double px = x.pixel(point.step());
            double py = y.pixel(log(point.loss()));
            if (line.getCurrentPoint() == null) {
                line.moveTo(px, py);
            } else {
                line.lineTo(px, py);
            }
        }
        g.setColor(PHASE_COLORS[phase(stage)]);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(points.size() == 1 ? new Ellipse2D.Double(line.getCurrentPoint().getX() - 2, line.getCurrentPoint().getY() - 2, 4, 4)
                : line);
    }

    /** A linear map from data {@code from..to} to pixels {@code pixelFrom..pixelTo}. */
    private record Scale(double from, double to, double pixelFrom, double pixelTo) {
        double pixel(double value) {
            return pixelFrom + (value - from) / (to - from) * (pixelTo - pixelFrom);
        }
    }

    /**
     * Loss values for labels between {@code min} and {@code max}: powers of ten when the range
     * spans at least three, else 1-2-5 steps, else every mantissa 1, 1.5, 2 … 9, else (a range
     * within one such step) round linear steps. The drawing labels the roundest that do not crowd.
     */
    static List<Double> lossTicks(double min, double max) {
        for (String[] mantissas : new String[][] {{"1"}, {"1", "2", "5"}, {"1", "1.5", "2", "3", "4", "5", "6", "7", "8", "9"}}) {
            List<Double> ticks = new ArrayList<>();
            for (int decade = (int) Math.floor(Math.log10(min)); decade <= (int) Math.ceil(Math.log10(max)); decade++) {
                for (String mantissa : mantissas) {
                    double value = new BigDecimal(mantissa).scaleByPowerOfTen(decade).doubleValue();
                    if (value >= min && value <= max) {
                        ticks.add(value);
                    }
                }
            }
            if (ticks.size() >= 3) {
                return ticks;
            }
        }
        return linearTicks(min, max).stream().map(BigDecimal::doubleValue).toList();
    }

    /** Steps from 0 to {@code max} at a round spacing, about four intervals. */
    static List<Integer> stepTicks(int max) {
        return linearTicks(0, Math.max(max, 1)).stream().map(BigDecimal::intValue).distinct().toList();
    }

    /** The multiples of a round spacing (1, 2, 2.5 or 5 × 10ⁿ, about four intervals) within {@code min..max}. */
    private static List<BigDecimal> linearTicks(double min, double max) {
        double raw = (max - min) / 4;
        int exponent = (int) Math.floor(Math.log10(raw));
        BigDecimal spacing = BigDecimal.TEN.scaleByPowerOfTen(exponent);
        for (String factor : new String[] {"1", "2", "2.5", "5"}) {
            BigDecimal candidate = new BigDecimal(factor).scaleByPowerOfTen(exponent);
            if (candidate.doubleValue() >= raw) {
                spacing = candidate;
                break;
            }
        }
        List<BigDecimal> ticks = new ArrayList<>();
        for (long k = (long) Math.ceil(min / spacing.doubleValue()); k * spacing.doubleValue() <= max; k++) {
            ticks.add(spacing.multiply(BigDecimal.valueOf(k)));
        }
        return ticks;
    }

    /** 0 for a power of ten, 1 for 2 or 5 times one, 2 for any other value. */
    private static int labelPriority(double value) {
        int leading = BigDecimal.valueOf(value).round(new MathContext(1)).unscaledValue().intValue();
        boolean round = BigDecimal.valueOf(value).stripTrailingZeros().precision() == 1;
        return !round ? 2 : leading == 1 ? 0 : leading == 2 || leading == 5 ? 1 : 2;
    }

    static String stepLabel(int step) {
        if (step < 1000) {
            return Integer.toString(step);
        }
        return new BigDecimal(step).movePointLeft(3).stripTrailingZeros().toPlainString() + "k";
    }

    static String lossLabel(double loss) {
        return new BigDecimal(loss).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** 0 autoencoders, 1 alignment, 2 stage-1 denoisers, 3 stage-2 joint training, 4 anything else. */
    private static int phase(String stage) {
        int rank = trainingRank(stage);
        return rank < 3 ? 0 : rank < 6 ? 1 : rank < 10 ? 2 : rank < TRAINING_ORDER.size() ? 3 : 4;
    }

    private static int trainingRank(String stage) {
        int rank = TRAINING_ORDER.indexOf(stage);
        return rank < 0 ? TRAINING_ORDER.size() : rank;
    }

    /**
     * Draws {@code text} with its baseline at {@code baseline}, {@code anchor} of its width left of
     * {@code x} (0 left-aligned, 0.5 centred, 1 right-aligned), cut with "…" to {@code maxWidth};
     * nothing when fonts do not work.
     */
    private static void text(Graphics2D g, Font font, Color color, String text, double x, int baseline, double anchor, int maxWidth) {
        if (!Canvas.fontsWork()) {
            return;
        }
        g.setFont(font);
        g.setColor(color);
        String fitted = text;
        while (g.getFontMetrics().stringWidth(fitted) > maxWidth && fitted.length() > 1) {
            fitted = fitted.substring(0, fitted.length() - (fitted.endsWith("…") ? 2 : 1)) + "…";
        }
        g.drawString(fitted, (float) (x - anchor * g.getFontMetrics().stringWidth(fitted)), baseline);
    }

    private static void add(Map<String, List<Point>> curves, String stage, String step, String loss) {
        double value = Double.parseDouble(loss);
        if (Double.isFinite(value)) {
            curves.computeIfAbsent(stage, s -> new ArrayList<>()).add(new Point(Integer.parseInt(step), value));
        }
    }

    private static double log(double loss) {
        return Math.log10(Math.max(loss, 1e-12));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read loss source " + file, e);
        }
    }
}
