package dev.codi.lab;

import dev.codi.lab.bench.CompareSamplers;
import dev.codi.lab.bench.ConcurrentNetworks;
import dev.codi.lab.bench.IntraOpThreads;
import dev.codi.lab.bench.TrainingBench;
import dev.codi.lab.bundle.CreateRandomBundle;
import dev.codi.lab.device.BenchmarkSampling;
import dev.codi.lab.device.DeviceCheck;
import dev.codi.lab.device.DeviceComparisonSheet;
import dev.codi.lab.probe.ProbeEnvironmentCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./codi lab <tool>}: the research tools, kept apart from the product. What each one measured
 * is in lab/notebook/.
 *
 * <pre>
 * lab device-check ...          samples the same seeded jobs on cpu() and gpu(0), compares latents and times
 * lab benchmark-sampling ...    joint against independent sampling time, per batch size
 * lab device-sheet ...          the jobs device-check wrote on two devices, side by side, as one PNG
 * lab probe-environment ...     how well V_m(z_t), and z_t, show each attribute per noise level
 * lab bench-training ...        seconds per step of every training step, to size the schedule
 * lab compare-samplers ...      text → image accuracy and time per job, per sampler and step count
 * lab networks-at-once ...      sampling time with a phase's networks one after another against at once
 * lab intra-op-threads ...      sampling time per PyTorch intra-op thread count
 * lab create-random-bundle ...  a codi-tiny bundle with seeded random weights
 * </pre>
 */
@Command(name = "lab", mixinStandardHelpOptions = true, description = "codi's research tools: probes, device checks, benchmarks.",
        subcommands = {DeviceCheck.class, BenchmarkSampling.class, DeviceComparisonSheet.class, ProbeEnvironmentCommand.class,
                TrainingBench.class, CreateRandomBundle.class, CompareSamplers.class, ConcurrentNetworks.class,
                IntraOpThreads.class})
public final class Lab {
    private Lab() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(Lab.class).execute(args));
    }
}
