package dev.codi.lab.bundle;

import dev.codi.model.tiny.BundleManifest;
import dev.codi.model.tiny.CodiTinyBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Writes a codi-tiny bundle with seeded random weights (run with OPT_OUT_TRACKING=true -Dai.djl.offline=true). */
@Command(name = "create-random-bundle", mixinStandardHelpOptions = true,
        description = "Writes a codi-tiny model bundle with seeded random (untrained) weights.")
public final class CreateRandomBundle implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "bundle directory to write (created if missing)")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "initialisation seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        BundleManifest manifest = CodiTinyBundle.createRandom(out, seed);
        long parameters = manifest.weights().values().stream().mapToLong(BundleManifest.WeightFile::parameters).sum();
        System.out.printf("wrote %s %s (seed %d, %d networks, %,d parameters) to %s%n", manifest.name(), manifest.version(),
                seed, manifest.weights().size(), parameters, out.toAbsolutePath());
        return 0;
    }
}
