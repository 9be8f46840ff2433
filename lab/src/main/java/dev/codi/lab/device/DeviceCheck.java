package dev.codi.lab.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.codi.media.ImageCodec;
import dev.codi.media.Modality;
import dev.codi.media.Mp4Codec;
import dev.codi.media.WavCodec;
import dev.codi.model.Conditioning;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.protocol.JobParams;
import dev.codi.model.tiny.CodiTinyModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Samples the same seeded jobs on the CPU and on the GPU in one process and prints how far apart
 * the outputs are, whether each device repeats itself, and how long each takes (docs/gpu.md). A
 * program, not a test: CI has no GPU.
 */
@Command(name = "device-check", mixinStandardHelpOptions = true,
        description = "Compares joint sampling on the CPU and the GPU: agreement, repeatability, speed.")
public final class DeviceCheck implements Callable<Integer> {
    /** The prompts of the jobs, cycling: job N has prompt N mod 4 and seed N. */
    public static final List<String> PROMPTS = List.of(
            "a red circle moving left", "something green", "a blue square", "a yellow triangle moving up");
    private static final Set<Modality> OUTPUTS = Set.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO);

    @Option(names = "--bundle", required = true, description = "codi-tiny bundle directory")
    Path bundle;

    @Option(names = "--steps", defaultValue = "50")
    int steps;

    @Option(names = "--jobs", defaultValue = "8", description = "jobs compared across devices (prompts cycle, seed = job number)")
    int jobCount;

    @Option(names = "--batch", split = ",", defaultValue = "1,8,32", description = "batch sizes timed on each device")
    int[] batchSizes;

    @Option(names = "--repeats", defaultValue = "3")
    int repeats;

    @Option(names = "--gpu", description = "sample on gpu(0) too even when DJL counts no GPU (to see why)")
    boolean forceGpu;

    @Option(names = "--artifacts", description = "write the first jobs' outputs, decoded on the last device, here")
    Path artifacts;

    @Override
    public Integer call() throws Exception {
        Engine engine = Engine.getInstance();
        System.out.printf("engine %s %s, CUDA capability: %b, GPUs visible to DJL: %d%n", engine.getEngineName(),
                engine.getVersion(), engine.hasCapability("CUDA"), engine.getGpuCount());
        try (CodiTinyModel byConfiguration = CodiTinyModel.load(bundle)) {
            System.out.printf("device CodiTinyModel.load(bundle) picks: %s%n", byConfiguration.device());
        }
        List<Device> devices = new ArrayList<>(List.of(Device.cpu()));
        if (engine.getGpuCount() > 0 || forceGpu) {
            devices.add(Device.gpu());
        }

        Map<Device, CodiTinyModel> models = new LinkedHashMap<>();
        try {
            for (Device device : devices) {
                models.put(device, CodiTinyModel.load(bundle, device));
            }
            Map<Device, List<Map<Modality, Latent>>> outputs = new LinkedHashMap<>();
            for (Device device : devices) {
                CodiTinyModel model = models.get(device);
                List<SamplingJob> jobs = jobs(model, jobCount);
                List<Map<Modality, Latent>> first = model.sample(jobs, SamplingListener.NONE);
                List<Map<Modality, Latent>> second = model.sample(jobs, SamplingListener.NONE);
                System.out.printf("%s: %d jobs sampled twice with the same seeds, largest difference between the two runs %.3g%n",
                        device, jobCount, largestDifference(first, second));
                outputs.put(device, first);
                if (artifacts != null && device.equals(devices.get(devices.size() - 1))) {
                    writeArtifacts(model, first, device);
                }
            }
            if (devices.size() > 1) {
                compare(outputs.get(devices.get(0)), outputs.get(devices.get(1)));
            }
            // Timings last, the accelerator first, so that a run cut short still says what matters most.
            Map<Device, double[]> medians = new LinkedHashMap<>();
            for (int d = devices.size() - 1; d >= 0; d--) {
                medians.put(devices.get(d), timeBatches(models.get(devices.get(d))));
            }
            if (devices.size() > 1) {
                double[] cpu = medians.get(devices.get(0));
                double[] gpu = medians.get(devices.get(1));
                for (int b = 0; b < batchSizes.length; b++) {
                    System.out.printf("batch %3d: %s is %.1f× faster than %s%n", batchSizes[b], devices.get(1), cpu[b] / gpu[b], devices.get(0));
                }
            }
        } finally {
            models.values().forEach(CodiTinyModel::close);
        }
        return 0;
    }

    private List<SamplingJob> jobs(CodiTinyModel model, int count) {
        List<SamplingJob> jobs = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            float[] text = model.encode(new PromptInput.Text(PROMPTS.get(j % PROMPTS.size())));
            Conditioning conditioning = Conditioning.single(Modality.TEXT, text, model.nullEmbedding(Modality.TEXT));
            jobs.add(new SamplingJob("job-" + j, conditioning, OUTPUTS, new JobParams(steps, 7.5, 0.0, j, true), () -> false));
        }
        return jobs;
    }

    private double[] timeBatches(CodiTinyModel model) {
        double[] median = new double[batchSizes.length];
        for (int b = 0; b < batchSizes.length; b++) {
            median[b] = SamplingTimes.medianSeconds(model, jobs(model, batchSizes[b]), repeats);
            System.out.printf("%s: joint image+audio+video, %d steps, CFG, batch %3d: median %.3f s (%.4f s per job)%n",
                    model.device(), steps, batchSizes[b], median[b], median[b] / batchSizes[b]);
        }
        return median;
    }

    private static void compare(List<Map<Modality, Latent>> reference, List<Map<Modality, Latent>> other) {
        for (Modality modality : OUTPUTS.stream().sorted().toList()) {
            double largest = 0;
            double squaredDifference = 0;
            double squaredValue = 0;
            for (int j = 0; j < reference.size(); j++) {
                float[] a = reference.get(j).get(modality).values();
                float[] b = other.get(j).get(modality).values();
                for (int i = 0; i < a.length; i++) {
                    double difference = Math.abs(a[i] - b[i]);
                    largest = Math.max(largest, difference);
                    squaredDifference += difference * difference;
                    squaredValue += (double) a[i] * a[i];
                }
            }
            System.out.printf("%-5s latents, CPU against GPU: largest |Δ| %.3g, relative RMS difference %.3g%n",
                    modality.wireName(), largest, Math.sqrt(squaredDifference / squaredValue));
        }
    }

    private static double largestDifference(List<Map<Modality, Latent>> first, List<Map<Modality, Latent>> second) {
        double largest = 0;
        for (int j = 0; j < first.size(); j++) {
            for (Map.Entry<Modality, Latent> entry : first.get(j).entrySet()) {
                float[] a = entry.getValue().values();
                float[] b = second.get(j).get(entry.getKey()).values();
                for (int i = 0; i < a.length; i++) {
                    largest = Math.max(largest, Math.abs(a[i] - b[i]));
                }
            }
        }
        return largest;
    }

    private void writeArtifacts(CodiTinyModel model, List<Map<Modality, Latent>> sampled, Device device) throws IOException {
        Files.createDirectories(artifacts);
        for (int j = 0; j < Math.min(PROMPTS.size(), sampled.size()); j++) {
            String stem = "%s-job%d".formatted(device.getDeviceType(), j);
            for (Map.Entry<Modality, Latent> entry : sampled.get(j).entrySet()) {
                GeneratedMedia media = model.decode(entry.getKey(), entry.getValue());
                if (media instanceof GeneratedMedia.Image image) {
                    Files.write(artifacts.resolve(stem + ".png"), ImageCodec.encodePng(image.image()));
                } else if (media instanceof GeneratedMedia.Audio audio) {
                    Files.write(artifacts.resolve(stem + ".wav"), WavCodec.encode(audio.audio()));
                } else if (media instanceof GeneratedMedia.Video video) {
                    Files.write(artifacts.resolve(stem + ".mp4"), Mp4Codec.encode(video.video()));
                }
            }
        }
        System.out.printf("wrote the first %d jobs' outputs, decoded on %s, to %s%n", Math.min(PROMPTS.size(), sampled.size()), device, artifacts);
    }
}
