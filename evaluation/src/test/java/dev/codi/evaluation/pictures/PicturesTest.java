package dev.codi.evaluation.pictures;

import dev.codi.evaluation.sections.CheapestSetting;
import dev.codi.media.AudioClip;
import dev.codi.media.RgbImage;
import dev.codi.protocol.JobParams.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PicturesTest {
    @TempDir
    Path directory;

    @Test
    void gridUpscalesByNearestNeighbourAtTheStatedSize() throws IOException {
        RgbImage image = RgbImage.blank(32, 32);
        image.set(3, 5, 200, 10, 20);
        Path file = directory.resolve("grid.png");
        ImageGrid.write(List.of(new ImageGrid.Row("a", List.of(image, image, image)), new ImageGrid.Row("b", List.of(image))), 4, file);
        BufferedImage png = ImageIO.read(file.toFile());
        int[] size = ImageGrid.size(2, 3, 128, 128);
        assertThat(new int[] {png.getWidth(), png.getHeight()}).containsExactly(size);
        int left = ImageGrid.GAP;
        int top = ImageGrid.GAP + ImageGrid.LABEL_HEIGHT;
        for (int dy = 0; dy < 4; dy++) { // pixel (3, 5) became the 4×4 block at (12, 20)
            for (int dx = 0; dx < 4; dx++) {
                assertThat(png.getRGB(left + 12 + dx, top + 20 + dy) & 0xFFFFFF).isEqualTo(200 << 16 | 10 << 8 | 20);
            }
        }
        assertThat(png.getRGB(left + 11, top + 20) & 0xFFFFFF).isZero();
    }

    @Test
    void stepsChartDrawsEverySamplersPointsInItsColour() {
        List<CheapestSetting.Point> curve = List.of(
                new CheapestSetting.Point(Sampler.DDIM, 10, 0.97, 0.90), new CheapestSetting.Point(Sampler.DDIM, 50, 0.99, 0.95),
                new CheapestSetting.Point(Sampler.DPM_SOLVER_PLUS_PLUS, 10, 0.90, 0.80),
                new CheapestSetting.Point(Sampler.DPM_SOLVER_PLUS_PLUS, 50, 0.99, 0.95),
                new CheapestSetting.Point(Sampler.UNIPC, 10, 0.85, 0.75), new CheapestSetting.Point(Sampler.UNIPC, 50, 0.98, 0.94));
        BufferedImage chart = StepsChart.draw(curve, curve.get(1), 1.0);
        assertThat(new int[] {chart.getWidth(), chart.getHeight()})
                .containsExactly(2 * StepsChart.PANEL_WIDTH, StepsChart.HEADER_HEIGHT + StepsChart.PANEL_HEIGHT);
        for (Sampler sampler : Sampler.values()) {
            int colour = StepsChart.SAMPLER_COLORS[sampler.ordinal()].getRGB() & 0xFFFFFF;
            long inLeftPanel = 0;
            long inRightPanel = 0;
            for (int y = StepsChart.HEADER_HEIGHT; y < chart.getHeight(); y++) {
                for (int x = 0; x < chart.getWidth(); x++) {
                    if ((chart.getRGB(x, y) & 0xFFFFFF) == colour) {
                        if (x < StepsChart.PANEL_WIDTH) {
                            inLeftPanel++;
                        } else {
                            inRightPanel++;
                        }
                    }
                }
            }
            assertThat(inLeftPanel).as(sampler + " in the directions panel").isGreaterThan(20);
            assertThat(inRightPanel).as(sampler + " in the coherence panel").isGreaterThan(20);
        }
        assertThatThrownBy(() -> StepsChart.draw(List.of(), curve.get(1), 1.0)).hasMessageContaining("no points");
    }

    @Test
    void spectrogramPutsATonesEnergyInItsBin() {
        int rate = 16_000;
        float[] samples = new float[rate];
        for (int n = 0; n < rate; n++) {
            samples[n] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * n / rate));
        }
        double[][] db = Spectrograms.decibels(new AudioClip(rate, samples));
        int expectedBin = 1000 * Spectrograms.WINDOW / rate; // 32
        double[] middle = db[db.length / 2];
        int loudest = 0;
        for (int b = 1; b < middle.length; b++) {
            loudest = middle[b] > middle[loudest] ? b : loudest;
        }
        assertThat(loudest).isEqualTo(expectedBin);
        assertThat(middle[expectedBin]).isGreaterThan(-1.0);
        assertThat(middle[expectedBin + 20]).isLessThan(-40.0);
    }

    @Test
    void spectrogramPictureHasTheStatedSize() throws IOException {
        AudioClip clip = new AudioClip(16_000, new float[16_000]);
        Path file = directory.resolve("spectra.png");
        Spectrograms.write(List.of(new Spectrograms.Row("x", clip), new Spectrograms.Row("y", clip), new Spectrograms.Row("z", clip)), 2, file);
        BufferedImage png = ImageIO.read(file.toFile());
        assertThat(new int[] {png.getWidth(), png.getHeight()}).containsExactly(Spectrograms.size(3, 2, 16_000, 16_000));
    }

    @Test
    void lossCurvesPlotOnePanelPerStage() throws IOException {
        Path csv = directory.resolve("loss.csv");
        Files.writeString(csv, "stage,step,loss\nimage-ae,0,1.5\nimage-ae,100,0.2\nimage-ae,200,0.05\ntext-ae,0,3\ntext-ae,50,NaN\ntext-ae,100,0.9\n"
                + "image-denoiser,10,0.8\nx,1,1\n");
        Path png = directory.resolve("loss.png");
        LossCurves.plot(csv, png);
        BufferedImage picture = ImageIO.read(png.toFile());
        assertThat(new int[] {picture.getWidth(), picture.getHeight()}).containsExactly(LossCurves.size(4));
        assertThat(LossCurves.size(4)).containsExactly(3 * LossCurves.PANEL_WIDTH, LossCurves.HEADER_HEIGHT + 2 * LossCurves.PANEL_HEIGHT);
        assertThat(LossCurves.size(3)).containsExactly(3 * LossCurves.PANEL_WIDTH, LossCurves.HEADER_HEIGHT + LossCurves.PANEL_HEIGHT);
        Map<String, List<LossCurves.Point>> curves = LossCurves.read(csv);
        assertThat(curves.keySet()).containsExactly("image-ae", "text-ae", "image-denoiser", "x");
        assertThat(curves.get("text-ae")).extracting(LossCurves.Point::step).containsExactly(0, 100); // NaN dropped
    }

    @Test
    void aTrainingLogsCheckpointAndProgressLinesBecomeTheCsv() throws IOException {
        Path log = directory.resolve("train.log");
        Files.writeString(log, """
                18:00:01 INFO StageRunner - image-autoencoder: steps 0..4000 of batch 64 at peak learning rate 0.002
                18:10:00 INFO StageRunner - image-autoencoder step 500/4000: loss 0.0412 (smoothed), 0.41 s/step, checkpoint x
                image-autoencoder  20% [======                    ]  888/4000 steps (0:01:00 / 0:04:26) 2.3 steps/s loss 0.0300
                image-autoencoder  21% [======                    ]  900/4000 steps (0:01:05 / ?) ? steps/s
                18:20:00 INFO StageRunner - image-autoencoder step 1000/4000: loss 0.0213 (smoothed), 0.40 s/step, checkpoint y
                18:20:01 WARN StageRunner - image-autoencoder step 1001: non-finite loss or gradient (loss NaN), step skipped
                """);
        Path csv = directory.resolve("loss.csv");
        assertThat(LossCurves.fromSources(List.of(log), csv)).isEqualTo(3);
        assertThat(Files.readAllLines(csv)).containsExactly("stage,step,loss", "image-autoencoder,500,0.0412",
                "image-autoencoder,888,0.03", "image-autoencoder,1000,0.0213");
    }

    @Test
    void sourcesMergePerStageTheLaterWinningAtTheSameStepAndStagesFollowTheTrainingOrder() throws IOException {
        Path first = directory.resolve("train.log");     // the first run: stage 1, and a denoiser up to step 500
        Files.writeString(first, """
                a INFO StageRunner - my-experiment step 5/9: loss 9 (smoothed), 1 s/step, checkpoint a
                a INFO StageRunner - video-denoiser step 250/500: loss 0.2 (smoothed), 1 s/step, checkpoint a
                a INFO StageRunner - video-denoiser step 500/500: loss 0.1 (smoothed), 1 s/step, checkpoint b
                a INFO StageRunner - image-autoencoder step 250/500: loss 0.05 (smoothed), 1 s/step, checkpoint c
                """);
        Path history = directory.resolve("loss-history.csv"); // the trainer's CSV, rows every 10 steps
        Files.writeString(history, """
                stage,step,loss
                video-denoiser,490,0.11
                video-denoiser,500,0.09
                video-denoiser,510,0.08
                joint-text-image,10,0.7
                video-denoiser,510,0.07
                """);
        Path extension = directory.resolve("extend.log");  // an extension past the history's end
        Files.writeString(extension, """
                b INFO StageRunner - video-denoiser step 750/1000: loss 0.06 (smoothed), 1 s/step, checkpoint d
                b INFO StageRunner - image-denoiser step 250/500: loss 0.3 (smoothed), 1 s/step, checkpoint e
                """);
        Path csv = directory.resolve("merged.csv");
        assertThat(LossCurves.fromSources(List.of(first, history, extension), csv)).isEqualTo(9);

        Map<String, List<LossCurves.Point>> merged = LossCurves.read(csv);
        assertThat(merged.keySet()).containsExactly("image-autoencoder", "image-denoiser", "video-denoiser", "joint-text-image",
                "my-experiment");
        assertThat(merged.get("video-denoiser")).containsExactly(new LossCurves.Point(250, 0.2), new LossCurves.Point(490, 0.11),
                new LossCurves.Point(500, 0.09), new LossCurves.Point(510, 0.07), new LossCurves.Point(750, 0.06));

        // the same sources the other way round: the log's step 500 now wins over the CSV's
        LossCurves.fromSources(List.of(history, first), csv);
        assertThat(LossCurves.read(csv).get("video-denoiser")).contains(new LossCurves.Point(500, 0.1));
    }

    @Test
    void aSourceThatIsNeitherACsvNorATrainerLogIsRefused() throws IOException {
        Path notes = directory.resolve("notes.txt");
        Files.writeString(notes, "step,loss\n1,2\n");
        assertThatThrownBy(() -> LossCurves.fromSources(List.of(notes), directory.resolve("out.csv")))
                .hasMessageContaining("notes.txt").hasMessageContaining("stage,step,loss");
    }

    @Test
    void axisTicksAreRoundValuesInsideTheRange() {
        assertThat(LossCurves.lossTicks(0.04, 0.3)).containsExactly(0.05, 0.1, 0.2);
        assertThat(LossCurves.lossTicks(0.0009, 2.0)).containsExactly(0.001, 0.01, 0.1, 1.0);
        assertThat(LossCurves.lossTicks(1.87, 2.15)).containsExactly(1.9, 2.0, 2.1); // within one mantissa step: linear
        assertThat(LossCurves.stepTicks(9000)).containsExactly(0, 2500, 5000, 7500);
        assertThat(LossCurves.stepTicks(14000)).containsExactly(0, 5000, 10000);
        assertThat(LossCurves.stepLabel(7500)).isEqualTo("7.5k");
        assertThat(LossCurves.lossLabel(0.05374)).isEqualTo("0.0537");
    }

    @Test
    void aCsvWithoutTheHeaderIsRefused() throws IOException {
        Path csv = directory.resolve("bad.csv");
        Files.writeString(csv, "step,loss\n1,2\n");
        assertThatThrownBy(() -> LossCurves.read(csv)).hasMessageContaining("stage,step,loss");
    }
}
