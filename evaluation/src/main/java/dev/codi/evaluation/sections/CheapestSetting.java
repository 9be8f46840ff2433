package dev.codi.evaluation.sections;

import dev.codi.protocol.JobParams.Sampler;

import java.util.Comparator;
import java.util.List;

/**
 * The rule that picks a default sampling setting from an accuracy-against-steps curve: the cheapest
 * setting that stays within {@code tolerance} percentage points of the reference (DDIM at the curve's
 * most steps) on every measure. Cheapest: the fewest steps (every sampler makes one guided denoiser
 * call per step, so steps are the cost), then the sampler with the least arithmetic per step, in
 * {@link Sampler}'s order (DDIM, DPM-Solver++(2M), UniPC, whose corrector adds a second update).
 * Being better than the reference is never held against a setting; a measure that could not be
 * taken (NaN) disqualifies it.
 */
public final class CheapestSetting {
    private CheapestSetting() {
    }

    /**
     * One setting of the curve and its measures.
     *
     * @param directions directions accuracy, a share in [0, 1]
     * @param coherence  joint agreement, a share in [0, 1]
     */
    public record Point(Sampler sampler, int steps, double directions, double coherence) {
        public Point {
            if (sampler == null || steps < 1) {
                throw new IllegalArgumentException("a curve point needs a sampler and at least 1 step, got " + sampler + " at " + steps);
            }
        }

        /** Whether neither measure falls more than {@code tolerancePoints} percentage points below the reference's. */
        boolean within(Point reference, double tolerancePoints) {
            double tolerance = tolerancePoints / 100 + 1e-12; // shares; 1e-12 keeps an exact tie (99.0 against 100.0 − 1) inside
            return directions >= reference.directions - tolerance && coherence >= reference.coherence - tolerance;
        }
    }

    /** What the rule chose, and the reference it was held to. */
    public record Choice(Point chosen, Point reference) {
    }

    /** The reference of a curve: DDIM at the most steps measured. */
    public static Point reference(List<Point> curve) {
        return curve.stream().filter(point -> point.sampler() == Sampler.DDIM).max(Comparator.comparingInt(Point::steps))
                .orElseThrow(() -> new IllegalArgumentException("the curve has no DDIM point to hold the others to"));
    }

    /** The cheapest point within {@code tolerancePoints} of the reference on both measures; the reference itself at worst. */
    public static Choice choose(List<Point> curve, double tolerancePoints) {
        if (!(tolerancePoints >= 0)) {
            throw new IllegalArgumentException("the tolerance must be at least 0 points, got " + tolerancePoints);
        }
        Point reference = reference(curve);
        if (Double.isNaN(reference.directions()) || Double.isNaN(reference.coherence())) {
            throw new IllegalArgumentException("the reference " + reference + " lacks a measure");
        }
        Point chosen = curve.stream().filter(point -> point.within(reference, tolerancePoints))
                .min(Comparator.comparingInt(Point::steps).thenComparing(Point::sampler))
                .orElseThrow(); // the reference is within 0 points of itself
        return new Choice(chosen, reference);
    }
}
