package dev.codi.lab.device;

import dev.codi.media.ImageCodec;
import dev.codi.media.Mp4Codec;
import dev.codi.media.RgbImage;
import dev.codi.evaluation.pictures.ImageGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The picture in docs/gpu.md: the jobs that {@code DeviceCheck --artifacts} wrote on two devices,
 * one row per job and device — the image, then the video's frames — so that they can be compared
 * by eye.
 *
 * <pre>./codi lab device-sheet OUT.png DIR_A PREFIX_A LABEL_A DIR_B PREFIX_B LABEL_B</pre>
 * reads {@code DIR/PREFIX-jobN.png} and {@code .mp4} for N = 0, 1, … while both exist.
 */
@Command(name = "device-sheet", mixinStandardHelpOptions = true,
        description = "Draws the jobs DeviceCheck --artifacts wrote on two devices side by side, to compare by eye.")
public final class DeviceComparisonSheet implements Callable<Integer> {
    @Parameters(arity = "7", paramLabel = "ARG", description = "OUT.png DIR_A PREFIX_A LABEL_A DIR_B PREFIX_B LABEL_B")
    String[] args;

    @Override
    public Integer call() throws IOException, dev.codi.media.MediaDecodeException {
        List<ImageGrid.Row> rows = new ArrayList<>();
        for (int job = 0; exists(args[1], args[2], job) && exists(args[4], args[5], job); job++) {
            for (int side = 0; side < 2; side++) {
                Path directory = Path.of(args[1 + 3 * side]);
                String stem = args[2 + 3 * side] + "-job" + job;
                List<RgbImage> images = new ArrayList<>();
                images.add(ImageCodec.decode(Files.readAllBytes(directory.resolve(stem + ".png"))));
                images.addAll(Mp4Codec.decode(Files.readAllBytes(directory.resolve(stem + ".mp4"))).frames());
                rows.add(new ImageGrid.Row("\"%s\", seed %d: %s (image, then video frames)"
                        .formatted(DeviceCheck.PROMPTS.get(job % DeviceCheck.PROMPTS.size()), job, args[3 + 3 * side]), images));
            }
        }
        if (rows.isEmpty()) {
            System.err.println("no job found in both directories");
            return 1;
        }
        ImageGrid.write(rows, 3, Path.of(args[0]));
        System.out.printf("wrote %d rows to %s%n", rows.size(), args[0]);
        return 0;
    }

    private static boolean exists(String directory, String prefix, int job) {
        String stem = prefix + "-job" + job;
        return Files.exists(Path.of(directory, stem + ".png")) && Files.exists(Path.of(directory, stem + ".mp4"));
    }
}
