package dev.codi.launcher;

import dev.codi.launcher.bench.PipelineLatencyBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code codi bench}: pipeline latency against in-process generation (see docs/benchmarks.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Median latency of text → image + audio through the pipeline vs in-process, as a ratio.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "7", description = "timed runs of each path (default ${DEFAULT-VALUE})")
    int runs;

    @Parameters(index = "1", defaultValue = "50", description = "DDIM steps (default ${DEFAULT-VALUE})")
    int steps;

    @Override
    public Integer call() throws Exception {
        PipelineLatencyBenchmark.main(new String[] {Integer.toString(runs), Integer.toString(steps)});
        return 0;
    }
}
