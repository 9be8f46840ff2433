package dev.codi.evaluation;

import dev.codi.evaluation.QualityReport.Section;
import dev.codi.evaluation.pictures.ImageGrid;
import dev.codi.evaluation.pictures.Spectrograms;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.Coherence;
import dev.codi.evaluation.sections.Composition;
import dev.codi.evaluation.sections.ConditioningSensitivity;
import dev.codi.evaluation.sections.Directions;
import dev.codi.evaluation.sections.ForeignRenderings;
import dev.codi.evaluation.sections.SpecConformanceSection;
import dev.codi.evaluation.sections.StepsCurve;
import dev.codi.evaluation.sections.JointCoherence;
import dev.codi.evaluation.sections.Pictures;
import dev.codi.media.Modality;
import dev.codi.model.tiny.CodiTinyBundle;
import dev.codi.protocol.JobParams;
import dev.codi.model.tiny.CodiTinyModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole report on a small seeded random bundle with tiny counts: structure, pictures, determinism. */
class QualityReportTest {
    @TempDir
    static Path directory;
    static CodiTinyModel model;
    static QualityReport.Report report;
    static QualityReport.Options options;

    @BeforeAll
    static void runTheWholeReportOnce() {
        Path bundle = directory.resolve("bundle");
        CodiTinyBundle.createRandom(bundle, 42);
        model = CodiTinyModel.load(bundle);
        options = options(EnumSet.allOf(Section.class));
        report = QualityReport.run(model, options, Progress.silent());
    }

    private static QualityReport.Options options(Set<Section> sections) {
        return new QualityReport.Options(directory.resolve("bundle"), new Settings(1, 1, 7.5, 99, 8), sections,
                List.of(new Composition.Weights(1, 1), new Composition.Weights(2, 1)), new Pictures.Layout(1, 2),
                directory.resolve("docs/quality.md"), directory.resolve("docs/img"), null, null, "evaluation/evaluate.sh --samples 1",
                List.of(JobParams.Sampler.values()), List.of(1)); // one step count: the curve's rule has its own test, and each count samples every directions and coherence job thrice
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void directionsTableHasTheTwelveDirectionsWithBothSplits() {
        Markdown table = report.sections().get(Section.DIRECTIONS).table(Directions.TABLE);
        Set<String> names = table.rows().stream().map(row -> row.get(0)).collect(Collectors.toSet());
        Set<String> expected = Directions.directions().stream().map(d -> d[0].wireName() + "→" + d[1].wireName()).collect(Collectors.toSet());
        assertThat(table.rowCount()).isEqualTo(12);
        assertThat(names).isEqualTo(expected).contains("text→image", "video→audio", "audio→text");
        for (List<String> row : table.rows()) {
            assertThat(row.get(2)).endsWith("(n=1)");
            assertThat(row.get(3)).endsWith("(n=1)");
            boolean imageSide = row.get(0).contains("image");
            assertThat(row.get(1)).isEqualTo(imageSide ? "color+shape" : "color+shape+motion");
            assertThat(row.get(7)).isEqualTo(imageSide ? "–" : row.get(7)); // images are never scored on motion
        }
    }

    @Test
    void everyOtherSectionHasItsRows() {
        assertThat(report.sections().get(Section.COMPOSITION).table(Composition.TABLE).rows())
                .extracting(row -> row.get(0) + " " + row.get(1))
                .containsExactly("text + audio → image 1:1", "text + audio → image 2:1", "text + image → audio 1:1", "text + image → audio 2:1");
        assertThat(report.sections().get(Section.ROUNDTRIP).table("roundtrip").rows()).extracting(row -> row.get(0))
                .containsExactly("text", "image", "audio", "video");
        assertThat(report.sections().get(Section.RETRIEVAL).table("retrieval").rows()).extracting(row -> row.get(0) + " | " + row.get(4))
                .containsExactly("text → image | 4.2 %", "text → audio | 1.0 %", "text → video | 1.0 %",
                        "image → text | 4.2 %", "audio → text | 1.0 %", "video → text | 1.0 %");
        assertThat(report.sections().get(Section.CHAINING).table("chaining").rowCount()).isEqualTo(2);
        assertThat(report.sections().get(Section.FOREIGN).table(ForeignRenderings.TABLE).rows()).extracting(row -> row.get(0))
                .hasSize(12).contains("audio→text", "image→video");
        // true renderings of both renderers keep the spec, whatever the (random) model draws
        assertThat(report.sections().get(Section.CONFORMANCE).table(SpecConformanceSection.TABLE).rows())
                .extracting(row -> row.get(0) + " " + row.get(4) + " " + row.get(5))
                .containsExactly("image 100.0 % 100.0 %", "video 100.0 % 100.0 %", "audio 100.0 % 100.0 %", "text 100.0 % 100.0 %");
        // sensitivity: image color+shape, audio and video color+shape+motion, at three noise levels each
        assertThat(report.sections().get(Section.SENSITIVITY).table(ConditioningSensitivity.TABLE).rows())
                .hasSize(8 * 3)
                .extracting(row -> row.get(0) + " " + row.get(1))
                .contains("image color", "audio motion", "video motion")
                .doesNotContain("image motion");
    }

    @Test
    void coherenceRowsOnlyMeasureOpenAttributesTwoOutputsCarry() {
        Markdown table = report.sections().get(Section.COHERENCE).table(JointCoherence.TABLE);
        Set<String> sets = table.rows().stream().map(row -> row.get(0)).collect(Collectors.toSet());
        assertThat(sets).containsExactlyInAnyOrder("image+audio", "image+video", "audio+video", "image+audio+video");
        for (List<String> row : table.rows()) {
            Set<Modality> outputs = Arrays.stream(row.get(0).split("\\+")).map(Modality::fromWireName).collect(Collectors.toSet());
            Attribute attribute = Attribute.valueOf(row.get(1).toUpperCase());
            assertThat(Coherence.carriers(attribute, outputs)).isGreaterThanOrEqualTo(2);
        }
        Markdown timing = report.sections().get(Section.COHERENCE).table("coherence-timing");
        assertThat(timing.rowCount()).isEqualTo(4);
        for (List<String> row : timing.rows()) {
            assertThat(Integer.parseInt(row.get(2))).isBetween(0, Integer.parseInt(row.get(1)));
        }
    }

    @Test
    void stepsCurveMeasuresEverySamplerAtEveryStepCountAgainstDdimAtTheMost() {
        SectionResult steps = report.sections().get(Section.STEPS);
        Markdown table = steps.table(StepsCurve.TABLE);
        assertThat(table.rows()).extracting(row -> row.get(0) + "-" + row.get(1))
                .containsExactly("ddim-1", "dpmsolver++-1", "unipc-1");
        assertThat(table.rows()).filteredOn(row -> row.get(8).equals("reference")).extracting(row -> row.get(0) + "-" + row.get(1))
                .containsExactly("ddim-1");
        for (List<String> row : table.rows()) {
            assertThat(row.get(2)).matches("\\d+\\.\\d % \\(\\d+/60\\)"); // 12 directions × 2 splits × 1 sample; 6 score 2 attributes, 6 score 3
            assertThat(row.get(8)).isIn("reference", "yes", "no");
        }
        assertThat(steps.markdown()).contains("![accuracy against steps](img/" + StepsCurve.CHART + ")")
                .containsPattern("Cheapest within 1 point of DDIM-1 on both measures: \\*\\*(DDIM|DPM-Solver\\+\\+\\(2M\\)|UniPC) at 1 step\\b");
        assertThat(options.pictures().resolve(StepsCurve.CHART)).isRegularFile();
    }

    @Test
    void markdownNamesTheBundleTheCommandAndWarnsItIsUntrained() throws IOException {
        QualityReport.write(report, options.out());
        String markdown = Files.readString(options.out());
        assertThat(markdown).contains("This bundle is untrained", "trained: **false**", "evaluation/evaluate.sh --samples 1",
                "samples per cell | 1", "| seed | 99 |", "## 1. Directions", "## 2. Foreign renderings", "## 3. Spec conformance", "## 11. Pictures", "](img/samples-text-to-image.png)");
    }

    @Test
    void picturesAreValidPngsOfTheExpectedSize() throws IOException {
        Path pictures = options.pictures();
        BufferedImage grid = ImageIO.read(pictures.resolve(Pictures.SAMPLE_GRID).toFile());
        assertThat(new int[] {grid.getWidth(), grid.getHeight()}).containsExactly(ImageGrid.size(1, 1 + 2, 32 * Pictures.SCALE, 32 * Pictures.SCALE));
        BufferedImage strips = ImageIO.read(pictures.resolve(Pictures.FRAME_STRIPS).toFile());
        assertThat(new int[] {strips.getWidth(), strips.getHeight()}).containsExactly(ImageGrid.size(2, 8, 32 * Pictures.SCALE, 32 * Pictures.SCALE));
        BufferedImage spectra = ImageIO.read(pictures.resolve(Pictures.SPECTROGRAMS).toFile());
        int[] oneSecond = Spectrograms.size(2, 2, 16_000, 16_000);
        assertThat(spectra.getHeight()).isEqualTo(oneSecond[1]);
        assertThat(spectra.getWidth()).isBetween(oneSecond[0], oneSecond[0] + 2 * 3 * 16); // generated clips may run a few frames longer
        // the truth image (column 1) shows the world's dark background in its corner, not the canvas colour
        int corner = grid.getRGB(ImageGrid.GAP + 1, ImageGrid.GAP + ImageGrid.LABEL_HEIGHT + 1);
        assertThat(Math.max(corner >> 16 & 0xFF, Math.max(corner >> 8 & 0xFF, corner & 0xFF))).isLessThanOrEqualTo(40);
    }

    @Test
    void theSameSeedGivesTheSameFigures() {
        QualityReport.Report again = QualityReport.run(model, options(EnumSet.of(Section.COMPOSITION)), Progress.silent());
        assertThat(again.sections().get(Section.COMPOSITION).table(Composition.TABLE).rows())
                .isEqualTo(report.sections().get(Section.COMPOSITION).table(Composition.TABLE).rows());
    }
}
