package dev.codi.launcher;

import dev.codi.launcher.bench.ServiceBenchmark;
import dev.codi.model.tiny.CodiTinyModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code codi bench}: the service under load, in one run on this machine (see docs/benchmarks.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Throughput and latency under load through the HTTP API, pipeline overhead, pickup to first progress, "
                + "cancel to stop, joint against chained generation, the denoiser's FLOP/s; ratios measured in one run.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--levels", split = ",", defaultValue = "1,8,32,64",
            description = "jobs sent at once, comma-separated; 1 sends them one at a time (default ${DEFAULT-VALUE})")
    List<Integer> levels;

    @Option(names = "--steps", defaultValue = "10",
            description = "the job mix's steps: image and image + audio at N, audio at 1.5·N, video at N/2 (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--sequential", defaultValue = "8", description = "jobs sent one at a time at level 1 (default ${DEFAULT-VALUE})")
    int sequential;

    @Option(names = "--runs", defaultValue = "3",
            description = "runs of the overhead, cancel and joint-against-chain measurements (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--flop-batch", defaultValue = "32", description = "rows of the measured denoiser call (default ${DEFAULT-VALUE})")
    int flopBatch;

    @Option(names = "--networks-at-once", description = "networks of one sampling phase run at once, each on its own thread "
            + "(CODI_NETWORKS_AT_ONCE; default " + CodiTinyModel.DEFAULT_NETWORKS_AT_ONCE + ")")
    int networksAtOnce = CodiTinyModel.DEFAULT_NETWORKS_AT_ONCE;

    @Override
    public Integer call() throws Exception {
        ServiceBenchmark.run(new ServiceBenchmark.Settings(levels, steps, sequential, runs, flopBatch, networksAtOnce), ModelBundles.defaultBundle(),
                System.out);
        return 0;
    }
}
