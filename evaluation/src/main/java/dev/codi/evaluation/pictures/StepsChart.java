package dev.codi.evaluation.pictures;

import dev.codi.evaluation.sections.CheapestSetting;
import dev.codi.protocol.JobParams.Sampler;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Accuracy against steps: two panels (directions accuracy, joint agreement), one line per sampler, steps
 * on x, percent on y, with the reference's level less the tolerance dashed across each panel.
 */
public final class StepsChart {
    public static final int PANEL_WIDTH = 420;
    public static final int PANEL_HEIGHT = 260;
    public static final int HEADER_HEIGHT = 30;

    private static final Font TITLE_FONT = Canvas.FONT.deriveFont(Font.BOLD, 13f);
    private static final Font TICK_FONT = Canvas.FONT.deriveFont(10f);
    private static final Color FRAME = new Color(90, 90, 100);
    private static final Color GRID = new Color(48, 48, 56);
    private static final Color DIM_INK = new Color(160, 160, 168);
    /** DDIM, DPM-Solver++(2M), UniPC, in {@link Sampler}'s order. */
    static final Color[] SAMPLER_COLORS = {new Color(90, 160, 250), new Color(250, 170, 60), new Color(94, 201, 98)};

    private StepsChart() {
    }

    public static void write(List<CheapestSetting.Point> curve, CheapestSetting.Point reference, double tolerancePoints, Path png) {
        Canvas.writePng(draw(curve, reference, tolerancePoints), png);
    }

    public static BufferedImage draw(List<CheapestSetting.Point> curve, CheapestSetting.Point reference, double tolerancePoints) {
        if (curve.isEmpty()) {
            throw new IllegalArgumentException("no points to draw");
        }
        BufferedImage picture = Canvas.blank(2 * PANEL_WIDTH, HEADER_HEIGHT + PANEL_HEIGHT);
        Graphics2D g = picture.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int x = 12;
        for (Sampler sampler : Sampler.values()) { // the legend
            g.setColor(SAMPLER_COLORS[sampler.ordinal()]);
            g.fillRect(x, 12, 14, 4);
            text(g, TICK_FONT, Canvas.INK, sampler.wireName(), x + 18, 18);
            x += 110;
        }
        text(g, TICK_FONT, DIM_INK, String.format(Locale.ROOT, "dashed: %s-%d less %s point%s", reference.sampler().wireName(),
                reference.steps(), tolerancePoints == Math.rint(tolerancePoints) ? String.valueOf((long) tolerancePoints)
                        : String.valueOf(tolerancePoints), tolerancePoints == 1 ? "" : "s"), x, 18);
        panel(g, 0, "directions: attributes right", curve, reference.directions() - tolerancePoints / 100,
                CheapestSetting.Point::directions);
        panel(g, PANEL_WIDTH, "joint coherence: outputs agree", curve, reference.coherence() - tolerancePoints / 100,
                CheapestSetting.Point::coherence);
        g.dispose();
        return picture;
    }

    private static void panel(Graphics2D g, int left, String title, List<CheapestSetting.Point> curve, double bar,
                              ToDoubleFunction<CheapestSetting.Point> measure) {
        int top = HEADER_HEIGHT;
        text(g, TITLE_FONT, Canvas.INK, title, left + 12, top + 16);
        int plotLeft = left + 48;
        int plotRight = left + PANEL_WIDTH - 16;
        int plotTop = top + 28;
        int plotBottom = top + PANEL_HEIGHT - 26;
        int maxSteps = curve.stream().mapToInt(CheapestSetting.Point::steps).max().orElseThrow();
        double low = curve.stream().mapToDouble(measure).filter(v -> !Double.isNaN(v)).min().orElse(0);
        low = Math.floor(Math.min(low, bar) * 20) / 20; // down to a multiple of 5 %
        double high = 1.0;
        if (high - low < 0.05) {
            low = high - 0.05;
        }
        for (int tick = (int) Math.round(low * 100); tick <= 100; tick += tickStep(high - low)) {
            int py = pixel(tick / 100.0, low, high, plotBottom, plotTop);
            g.setColor(GRID);
            g.drawLine(plotLeft, py, plotRight, py);
            text(g, TICK_FONT, DIM_INK, tick + " %", left + 8, py + 4);
        }
        for (int steps : curve.stream().mapToInt(CheapestSetting.Point::steps).distinct().sorted().toArray()) {
            int px = pixel(steps, 0, maxSteps, plotLeft, plotRight);
            g.setColor(GRID);
            g.drawLine(px, plotTop, px, plotBottom);
            text(g, TICK_FONT, DIM_INK, String.valueOf(steps), px - 6, plotBottom + 14);
        }
        g.setColor(FRAME);
        g.drawRect(plotLeft, plotTop, plotRight - plotLeft, plotBottom - plotTop);
        g.setColor(DIM_INK);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        int barY = pixel(bar, low, high, plotBottom, plotTop);
        g.drawLine(plotLeft, barY, plotRight, barY);
        for (Sampler sampler : Sampler.values()) {
            Path2D.Double line = new Path2D.Double();
            g.setColor(SAMPLER_COLORS[sampler.ordinal()]);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (CheapestSetting.Point point : curve.stream().filter(p -> p.sampler() == sampler)
                    .sorted((a, b) -> Integer.compare(a.steps(), b.steps())).toList()) {
                double value = measure.applyAsDouble(point);
                if (Double.isNaN(value)) {
                    continue;
                }
                double px = pixel(point.steps(), 0, maxSteps, plotLeft, plotRight);
                double py = pixel(value, low, high, plotBottom, plotTop);
                if (line.getCurrentPoint() == null) {
                    line.moveTo(px, py);
                } else {
                    line.lineTo(px, py);
                }
                g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
            }
            g.draw(line);
        }
    }

    /** 1, 2 or 5 points between grid lines, so that a panel holds about 5–10 of them. */
    static int tickStep(double range) {
        double points = range * 100;
        return points <= 10 ? 1 : points <= 20 ? 2 : points <= 50 ? 5 : 10;
    }

    private static int pixel(double value, double from, double to, int pixelFrom, int pixelTo) {
        return (int) Math.round(pixelFrom + (value - from) / (to - from) * (pixelTo - pixelFrom));
    }

    private static void text(Graphics2D g, Font font, Color color, String text, int left, int baseline) {
        if (!Canvas.fontsWork()) {
            return;
        }
        g.setFont(font);
        g.setColor(color);
        g.drawString(text, left, baseline);
    }
}
