package dev.codi.world.judge;

import dev.codi.world.Color;
import dev.codi.world.Motion;
import dev.codi.world.Shape;

/**
 * What the judge measured in a clip.
 *
 * @param harmonics          amplitude of harmonics 2..5 relative to the fundamental (NaN above Nyquist)
 * @param envelopeCorrelation Pearson correlation of the RMS envelope with each motion's envelope, in
 *                           {@link Motion} order
 */
public record AudioReading(Color color, Shape shape, Motion motion, double[] harmonics, double[] envelopeCorrelation) {
    public AudioReading {
        harmonics = harmonics.clone();
        envelopeCorrelation = envelopeCorrelation.clone();
        if (harmonics.length != AudioJudge.HIGHEST_HARMONIC - 1) {
            throw new IllegalArgumentException("expected harmonics 2.." + AudioJudge.HIGHEST_HARMONIC);
        }
        if (envelopeCorrelation.length != Motion.values().length) {
            throw new IllegalArgumentException("expected one envelope correlation per motion");
        }
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "audio[%s %s %s, harmonics=%s, envelope=%s]", color, shape, motion,
                java.util.Arrays.toString(round(harmonics)), java.util.Arrays.toString(round(envelopeCorrelation)));
    }

    private static double[] round(double[] values) {
        double[] rounded = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = Math.round(values[i] * 1000) / 1000.0;
        }
        return rounded;
    }
}
