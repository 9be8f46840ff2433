package dev.codi.evaluation;

import dev.codi.evaluation.QualityReport.Section;
import dev.codi.evaluation.pictures.LossCurves;
import dev.codi.evaluation.sections.Composition;
import dev.codi.evaluation.sections.Pictures;
import dev.codi.media.Modality;
import dev.codi.protocol.JobParams;
import dev.codi.model.tiny.CodiTinyModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code evaluation/evaluate.sh}: the quality report of a bundle, written to docs/. Every default
 * in one place:
 * <pre>
 *   --samples 200      per table cell (docs/design.md §8: 200 per direction and split, 200 jobs per output set)
 *   --steps 50         DDIM steps (docs/design.md §5.4)
 *   --guidance 7.5     classifier-free guidance (docs/design.md §5.4)
 *   --guidance-by-output   guidance of single outputs in place of --guidance (image=3,audio=7.5)
 *   --batch 16         jobs per sampling call
 *   --stagger          DDIM steps between the starts of jointly sampled outputs (default: a fifth of --steps)
 *   --feedback 1.0     weight of the other outputs' shared-space readings in joint sampling
 *   --seed 2305        every draw of the report derives from it
 *   --curve-samplers ddim,dpmsolver++,unipc   samplers of the accuracy-against-steps curve
 *   --curve-steps 5,10,15,20,30,50   step counts of the accuracy-against-steps curve (section steps, not run by default:
 *                      it samples the directions and joint-coherence jobs 18 times)
 * </pre>
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Measures a codi-tiny bundle with the analytic judge and writes the quality report (markdown + pictures).")
public final class Evaluate implements Callable<Integer> {
    static final String ALL_SECTIONS = "directions,foreign,conformance,composition,roundtrip,retrieval,sensitivity,coherence,chaining,pictures";

    @Option(names = "--bundle", description = "bundle directory (default: <codi.home>/models/codi-tiny)")
    Path bundle;

    @Option(names = "--samples", defaultValue = "200", description = "samples per table cell (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", defaultValue = "7.5", description = "classifier-free guidance scale (default: ${DEFAULT-VALUE})")
    double guidance;

    @Option(names = "--guidance-by-output", split = ",",
            description = "guidance scales of single outputs in place of --guidance, as output=scale pairs (image=3,audio=7.5)")
    Map<String, Double> guidanceByOutput;

    @Option(names = "--batch", defaultValue = "16", description = "jobs per sampling call (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--stagger", description = "DDIM steps between the starts of jointly sampled outputs; 0: lockstep (default: a fifth of --steps)")
    Integer stagger;

    @Option(names = "--feedback",
            description = "weight of the other outputs' shared-space readings in joint sampling; 0: environment tokens only (default: the sampler's, 1.0)")
    Double feedback;

    @Option(names = "--seed", defaultValue = "2305", description = "report seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--sections", defaultValue = ALL_SECTIONS, split = ",",
            description = "sections to run, comma-separated (default: ${DEFAULT-VALUE})")
    List<String> sections;

    @Option(names = "--composition-weights", defaultValue = "1:1,2:1,1:2", split = ",",
            description = "text:other weight pairs for the composition table (default: ${DEFAULT-VALUE})")
    List<String> compositionWeights;

    @Option(names = "--curve-samplers", defaultValue = "ddim,dpmsolver++,unipc", split = ",",
            description = "samplers of the accuracy-against-steps curve (section steps; default: ${DEFAULT-VALUE})")
    List<String> curveSamplers;

    @Option(names = "--curve-steps", defaultValue = "5,10,15,20,30,50", split = ",",
            description = "step counts of the accuracy-against-steps curve, per sampler (section steps; default: ${DEFAULT-VALUE})")
    List<Integer> curveSteps;

    @Option(names = "--picture-prompts", defaultValue = "6", description = "prompts (rows) in the pictures (default: ${DEFAULT-VALUE})")
    int picturePrompts;

    @Option(names = "--picture-seeds", defaultValue = "6", description = "seeds (columns) in the sample grid (default: ${DEFAULT-VALUE})")
    int pictureSeeds;

    @Option(names = "--out", defaultValue = "docs/quality.md", description = "the report (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--pictures", defaultValue = "docs/img", description = "picture directory (default: ${DEFAULT-VALUE})")
    Path pictures;

    @Option(names = "--loss-csv", description = "training loss CSV (header stage,step,loss) to plot with the pictures")
    Path lossCsv;

    @Option(names = "--training-log", description = "a trainer log or the trainer's loss-history.csv; repeatable, merged in order "
            + "(a later one wins where two give the same step) into the --loss-csv written next to the pictures")
    List<Path> trainingLogs;

    @Option(names = "--artifacts", description = "keep every judged output file of the directions and of the spec-conformance jobs under this directory")
    Path artifacts;

    @Option(names = "--quiet", description = "no progress bars")
    boolean quiet;

    private final String[] arguments;

    Evaluate(String[] arguments) {
        this.arguments = arguments.clone();
    }

    @Override
    public Integer call() {
        Path home = Path.of(System.getProperty("codi.home", "."));
        Path directory = bundle != null ? bundle : home.resolve("models/codi-tiny");
        Set<Section> selected = EnumSet.noneOf(Section.class);
        sections.forEach(id -> selected.add(Section.fromId(id)));
        Path loss = lossCsv;
        if (trainingLogs != null && !trainingLogs.isEmpty()) {
            loss = pictures.resolve(LossCurves.MERGED_CSV);
            try {
                Files.createDirectories(pictures);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + pictures, e);
            }
            int rows = LossCurves.fromSources(trainingLogs, loss);
            System.err.printf("%d loss points merged from %s%n", rows, trainingLogs);
        }
        QualityReport.Options options = new QualityReport.Options(directory, new Settings(samples, steps, guidance, seed, batch,
                        stagger != null ? stagger : JobParams.defaultStagger(steps),
                        feedback != null ? feedback : JobParams.DEFAULT_FEEDBACK, JobParams.DEFAULT_SAMPLER, guidanceByOutput()),
                selected, compositionWeights.stream().map(Composition.Weights::parse).toList(),
                new Pictures.Layout(picturePrompts, pictureSeeds), out, pictures, loss, artifacts, command(),
                curveSamplers.stream().map(JobParams.Sampler::fromWireName).toList(), curveSteps);
        try (CodiTinyModel model = CodiTinyModel.load(directory)) {
            QualityReport.Report report = QualityReport.run(model, options, new Progress(!quiet));
            QualityReport.write(report, out);
            System.err.printf("report written to %s in %.1f s%n", out, report.wallTime().toNanos() / 1e9);
        }
        return 0;
    }

    private Map<Modality, Double> guidanceByOutput() {
        Map<Modality, Double> scales = new EnumMap<>(Modality.class);
        if (guidanceByOutput != null) {
            guidanceByOutput.forEach((name, scale) -> scales.put(Modality.fromWireName(name), scale));
        }
        return scales;
    }

    /** The command as typed, shell-quoted where needed, so the report says exactly how to regenerate it. */
    String command() {
        return "evaluation/evaluate.sh " + Arrays.stream(arguments)
                .map(argument -> argument.matches("[A-Za-z0-9_./:=,+-]+") ? argument : "'" + argument.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Evaluate(args)).execute(args));
    }
}
