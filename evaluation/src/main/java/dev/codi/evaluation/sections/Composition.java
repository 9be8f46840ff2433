package dev.codi.evaluation.sections;

import dev.codi.evaluation.BatchSampler;
import dev.codi.evaluation.EvaluationContext;
import dev.codi.evaluation.Markdown;
import dev.codi.evaluation.SectionResult;
import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.Splits;
import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.AttributeScore;
import dev.codi.evaluation.scoring.Percent;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.media.Modality;
import dev.codi.model.GeneratedMedia;
import dev.codi.world.Attributes;
import dev.codi.world.Color;
import dev.codi.world.Combination;
import dev.codi.world.Motion;
import dev.codi.world.Shape;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Composable conditioning (CoDi §3.2): two inputs mixed with weights, c = (w_text·E_text + w_o·E_o)
 * / (w_text + w_o), condition an output no training example paired them for. The text names one
 * attribute; the other input, a world rendering, supplies the rest. The other input is rendered
 * with a DIFFERENT value of the text's attribute, so that attribute comes out right only when the
 * text input actually steers the output: a model ignoring the text scores 0 on it, not chance.
 */
public final class Composition {
    public static final String TABLE = "composition";

    /** The two compositions the report measures (docs/design.md §8). */
    public enum Kind {
        /** text names the color, audio carries shape (and motion, which an image cannot show) → image. */
        TEXT_AUDIO_TO_IMAGE(Modality.AUDIO, Modality.IMAGE, EnumSet.of(Attribute.COLOR)),
        /** text names the motion, image carries color and shape → audio. */
        TEXT_IMAGE_TO_AUDIO(Modality.IMAGE, Modality.AUDIO, EnumSet.of(Attribute.MOTION));

        final Modality other;
        final Modality output;
        final Set<Attribute> fromText;

        Kind(Modality other, Modality output, Set<Attribute> fromText) {
            this.other = other;
            this.output = output;
            this.fromText = fromText;
        }

        /** What the other input contributes that the output carries. */
        Set<Attribute> fromOther() {
            Set<Attribute> attributes = EnumSet.copyOf(Attribute.carriedByBoth(other, output));
            attributes.removeAll(fromText);
            return attributes;
        }

        String label() {
            return "text + " + other.wireName() + " → " + output.wireName();
        }
    }

    /** Weights text : other; the first is the default equal mix of docs/design.md §5.2. */
    public record Weights(double text, double other) {
        public Weights {
            if (!(text > 0 && other > 0)) {
                throw new IllegalArgumentException("composition weights must be positive, got " + text + ":" + other);
            }
        }

        /** Parses "2:1". */
        public static Weights parse(String text) {
            String[] parts = text.split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("weights look like text:other, e.g. 2:1; got '" + text + "'");
            }
            return new Weights(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
        }

        @Override
        public String toString() {
            return format(text) + ":" + format(other);
        }

        private static String format(double weight) {
            return weight == Math.rint(weight) ? String.valueOf((long) weight) : String.format(Locale.ROOT, "%.2f", weight);
        }
    }

    private Composition() {
    }

    public static SectionResult run(EvaluationContext context, List<Weights> weightsList) {
        long seed = context.settings().seed();
        int samples = context.settings().samples();
        Markdown table = Markdown.table("composition", "weights text:other", "text names", "text's attribute right",
                "other gives", "other's attributes right", "whole output right", "jobs");
        for (Kind kind : Kind.values()) {
            for (Weights weights : weightsList) {
                String tag = "composition/" + kind.name() + "/" + weights;
                List<BatchSampler.Request> requests = new ArrayList<>();
                List<Attributes> truths = new ArrayList<>();
                for (int k = 0; k < samples; k++) {
                    Combination target = Splits.ALL.pick(seed, "composition/" + kind.name(), k);
                    Random random = Seeds.random(seed, tag + "/input", k);
                    Attributes textAttributes = Attribute.restrict(target.toAttributes(), kind.fromText);
                    String caption = WorldRendering.caption(context.world(), textAttributes, random);
                    Combination otherCombination = conflicting(target, kind.fromText, random);
                    GeneratedMedia other = WorldRendering.render(context.world(), otherCombination, kind.other, random);
                    requests.add(new BatchSampler.Request(context.sampler().condition(List.of(
                            new BatchSampler.Weighted(Artifacts.asInput(new GeneratedMedia.Text(caption)), weights.text()),
                            new BatchSampler.Weighted(Artifacts.asInput(other), weights.other()))),
                            Set.of(kind.output), Seeds.of(seed, tag + "/noise", k), false));
                    truths.add(target.toAttributes());
                }
                List<Map<Modality, GeneratedMedia>> outputs = context.sampler().run(kind.label() + " " + weights, requests);
                AttributeScore textScore = new AttributeScore();
                AttributeScore otherScore = new AttributeScore();
                AttributeScore whole = new AttributeScore();
                Set<Attribute> all = EnumSet.copyOf(kind.fromText);
                all.addAll(kind.fromOther());
                for (int i = 0; i < outputs.size(); i++) {
                    Attributes judged = Artifacts.judge(outputs.get(i).get(kind.output));
                    textScore.add(truths.get(i), judged, kind.fromText);
                    otherScore.add(truths.get(i), judged, kind.fromOther());
                    whole.add(truths.get(i), judged, all);
                }
                table.row(kind.label(), weights, words(kind.fromText), textScore.attributes().percent(),
                        words(kind.fromOther()), otherScore.attributes().percent(), whole.wholeOutputs().percent(), samples);
            }
        }
        String markdown = """
                Two inputs, one output, independent sampling (%d DDIM steps, guidance %s). The text names one \
                attribute ("a red shape", "something moving up"); the other input is a world rendering that \
                supplies the others but is drawn with a *different* value of the text's attribute, so the text's \
                attribute is right only when the text steers the output (chance %s for color, %s for motion, \
                0 for a model that ignores the text). The other input's attributes are scored as far as the \
                output carries them (an image shows no motion).

                %s""".formatted(context.settings().steps(), context.settings().guidanceText(),
                Percent.of(Attribute.COLOR.chance()), Percent.of(Attribute.MOTION.chance()), table.render());
        return new SectionResult("Composition: weighted multi-input conditioning", markdown, Map.of(TABLE, table));
    }

    /** {@code target} with every attribute in {@code changed} moved to another value, drawn uniformly. */
    static Combination conflicting(Combination target, Set<Attribute> changed, Random random) {
        Color color = target.color();
        Motion motion = target.motion();
        Shape shape = target.shape();
        if (changed.contains(Attribute.COLOR)) {
            color = Color.values()[(color.ordinal() + 1 + random.nextInt(Color.values().length - 1)) % Color.values().length];
        }
        if (changed.contains(Attribute.SHAPE)) {
            shape = Shape.values()[(shape.ordinal() + 1 + random.nextInt(Shape.values().length - 1)) % Shape.values().length];
        }
        if (changed.contains(Attribute.MOTION)) {
            motion = Motion.values()[(motion.ordinal() + 1 + random.nextInt(Motion.values().length - 1)) % Motion.values().length];
        }
        return new Combination(color, shape, motion);
    }

    private static String words(Set<Attribute> attributes) {
        return attributes.stream().map(Attribute::word).collect(Collectors.joining("+"));
    }
}
