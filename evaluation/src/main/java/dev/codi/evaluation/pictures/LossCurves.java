package dev.codi.evaluation.pictures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training loss curves, one panel per stage (stages differ in scale: a VAE's reconstruction loss
 * is not an ε-MSE), log-scaled loss against step. Input: a CSV with the header
 * {@code stage,step,loss}. The trainer today logs {@code <stage> step <n>/<total>: loss <x>
 * (smoothed), …} at each checkpoint; {@link #fromTrainingLog} turns such a log into that CSV.
 */
public final class LossCurves {
    public static final String HEADER = "stage,step,loss";
    public static final int PANEL_WIDTH = 360;
    public static final int PANEL_HEIGHT = 200;
    public static final int COLUMNS = 2;
    private static final Pattern LOG_LINE = Pattern.compile("(\\S+) step (\\d+)/\\d+: loss ([-+0-9.eE]+|NaN)");
    private static final Color[] LINE_COLORS = {new Color(94, 201, 98), new Color(90, 160, 250), new Color(250, 170, 60),
            new Color(230, 90, 110), new Color(180, 130, 240)};

    /** One point of a curve. */
    public record Point(int step, double loss) {
    }

    private LossCurves() {
    }

    /** Reads the CSV: stages in order of first appearance, points in file order; non-finite losses are dropped. */
    public static Map<String, List<Point>> read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read loss log " + csv, e);
        }
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
            double loss = Double.parseDouble(cells[2]);
            if (Double.isFinite(loss)) {
                curves.computeIfAbsent(cells[0], stage -> new ArrayList<>()).add(new Point(Integer.parseInt(cells[1]), loss));
            }
        }
        return curves;
    }

    /** Extracts {@code stage,step,loss} rows from the trainer's log lines into {@code csv}; returns the row count. */
    public static int fromTrainingLog(Path log, Path csv) {
        try {
            List<String> rows = new ArrayList<>();
            rows.add(HEADER);
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher matcher = LOG_LINE.matcher(line);
                if (matcher.find()) {
                    rows.add(matcher.group(1) + "," + matcher.group(2) + "," + matcher.group(3));
                }
            }
            Files.write(csv, rows, StandardCharsets.UTF_8);
            return rows.size() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot turn " + log + " into " + csv, e);
        }
    }

    /** Width and height of the picture for {@code stages} panels. */
    public static int[] size(int stages) {
        int rows = (Math.max(stages, 1) + COLUMNS - 1) / COLUMNS;
        return new int[] {COLUMNS * PANEL_WIDTH, rows * PANEL_HEIGHT};
    }

    public static void plot(Path csv, Path png) {
        Map<String, List<Point>> curves = read(csv);
        if (curves.isEmpty()) {
            throw new IllegalArgumentException(csv + " holds no finite loss");
        }
        Canvas.writePng(draw(curves), png);
    }

    public static BufferedImage draw(Map<String, List<Point>> curves) {
        int[] size = size(curves.size());
        BufferedImage picture = Canvas.blank(size[0], size[1]);
        int index = 0;
        for (Map.Entry<String, List<Point>> curve : curves.entrySet()) {
            int left = (index % COLUMNS) * PANEL_WIDTH;
            int top = (index / COLUMNS) * PANEL_HEIGHT;
            panel(picture, left, top, curve.getKey(), curve.getValue(), LINE_COLORS[index % LINE_COLORS.length]);
            index++;
        }
        return picture;
    }

    /** One stage: frame, log-scaled curve, and (fonts permitting) its name and first → last loss. */
    private static void panel(BufferedImage picture, int left, int top, String stage, List<Point> points, Color color) {
        int plotLeft = left + 12;
        int plotTop = top + 24;
        int plotWidth = PANEL_WIDTH - 24;
        int plotHeight = PANEL_HEIGHT - 40;
        double minStep = points.stream().mapToInt(Point::step).min().orElse(0);
        double maxStep = points.stream().mapToInt(Point::step).max().orElse(1);
        double minLog = points.stream().mapToDouble(p -> Math.log10(Math.max(p.loss(), 1e-12))).min().orElse(0);
        double maxLog = points.stream().mapToDouble(p -> Math.log10(Math.max(p.loss(), 1e-12))).max().orElse(1);
        if (maxLog - minLog < 1e-9) {
            minLog -= 0.5;
            maxLog += 0.5;
        }
        if (maxStep <= minStep) {
            maxStep = minStep + 1;
        }
        Graphics2D g = picture.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(70, 70, 78));
        g.drawRect(plotLeft, plotTop, plotWidth, plotHeight);
        for (double decade = Math.ceil(minLog); decade <= maxLog; decade++) { // a grid line per power of ten
            int y = plotTop + (int) Math.round((maxLog - decade) / (maxLog - minLog) * plotHeight);
            g.drawLine(plotLeft, y, plotLeft + plotWidth, y);
        }
        Path2D.Double line = new Path2D.Double();
        for (int i = 0; i < points.size(); i++) {
            Point point = points.get(i);
            double x = plotLeft + (point.step() - minStep) / (maxStep - minStep) * plotWidth;
            double y = plotTop + (maxLog - Math.log10(Math.max(point.loss(), 1e-12))) / (maxLog - minLog) * plotHeight;
            if (i == 0) {
                line.moveTo(x, y);
            } else {
                line.lineTo(x, y);
            }
        }
        g.setColor(color);
        g.setStroke(new BasicStroke(1.5f));
        g.draw(points.size() == 1 ? new Ellipse2D.Double(line.getCurrentPoint().getX() - 2,
                line.getCurrentPoint().getY() - 2, 4, 4) : line);
        g.dispose();
        Canvas.label(picture, String.format(Locale.ROOT, "%s  steps %d–%d  loss %.4g → %.4g (log scale)", stage,
                (int) minStep, (int) maxStep, points.get(0).loss(), points.get(points.size() - 1).loss()), plotLeft, top + 17);
    }
}
