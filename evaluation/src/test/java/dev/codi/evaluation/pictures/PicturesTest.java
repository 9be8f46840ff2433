package dev.codi.evaluation.pictures;

import dev.codi.media.AudioClip;
import dev.codi.media.RgbImage;
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
                + "image-denoiser,10,0.8\n");
        Path png = directory.resolve("loss.png");
        LossCurves.plot(csv, png);
        BufferedImage picture = ImageIO.read(png.toFile());
        assertThat(new int[] {picture.getWidth(), picture.getHeight()}).containsExactly(LossCurves.size(3));
        assertThat(LossCurves.size(3)).containsExactly(2 * LossCurves.PANEL_WIDTH, 2 * LossCurves.PANEL_HEIGHT);
        Map<String, List<LossCurves.Point>> curves = LossCurves.read(csv);
        assertThat(curves.keySet()).containsExactly("image-ae", "text-ae", "image-denoiser");
        assertThat(curves.get("text-ae")).extracting(LossCurves.Point::step).containsExactly(0, 100); // NaN dropped
    }

    @Test
    void aTrainingLogBecomesTheCsv() throws IOException {
        Path log = directory.resolve("train.log");
        Files.writeString(log, """
                18:00:01 INFO StageRunner - image-autoencoder: steps 0..4000 of batch 64 at peak learning rate 0.002
                18:10:00 INFO StageRunner - image-autoencoder step 500/4000: loss 0.0412 (smoothed), 0.41 s/step, checkpoint x
                18:20:00 INFO StageRunner - image-autoencoder step 1000/4000: loss 0.0213 (smoothed), 0.40 s/step, checkpoint y
                """);
        Path csv = directory.resolve("loss.csv");
        assertThat(LossCurves.fromTrainingLog(log, csv)).isEqualTo(2);
        assertThat(Files.readAllLines(csv)).containsExactly("stage,step,loss", "image-autoencoder,500,0.0412", "image-autoencoder,1000,0.0213");
    }

    @Test
    void aCsvWithoutTheHeaderIsRefused() throws IOException {
        Path csv = directory.resolve("bad.csv");
        Files.writeString(csv, "step,loss\n1,2\n");
        assertThatThrownBy(() -> LossCurves.read(csv)).hasMessageContaining("stage,step,loss");
    }
}
