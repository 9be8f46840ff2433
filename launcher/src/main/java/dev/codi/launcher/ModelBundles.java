package dev.codi.launcher;

import dev.codi.model.tiny.CodiTinyBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which model bundle the embedded run serves: the committed, trained bundle when the checkout
 * has one ({@code models/codi-tiny}), otherwise a seeded random bundle generated once into
 * {@code .cache/} — the real networks, untrained, whose outputs are noise (the manifest, the
 * log and /v1/models all say so).
 */
public final class ModelBundles {
    public static final String COMMITTED_BUNDLE = "models/codi-tiny";
    public static final long RANDOM_BUNDLE_SEED = 20231120L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelBundles.class);

    private ModelBundles() {
    }

    /** The project's root directory: {@code -Dcodi.home}, set by ./codi and the test runner. */
    public static Path home() {
        return Path.of(System.getProperty("codi.home", ".")).toAbsolutePath().normalize();
    }

    public static synchronized Path defaultBundle() {
        Path committed = home().resolve(COMMITTED_BUNDLE);
        if (Files.exists(committed.resolve("manifest.json"))) {
            return committed;
        }
        Path random = home().resolve(".cache/models/codi-tiny-random-" + RANDOM_BUNDLE_SEED);
        if (!Files.exists(random.resolve("manifest.json"))) {
            LOG.warn("no trained bundle at {}: writing a seeded random bundle to {} (outputs will be noise)", committed, random);
            CodiTinyBundle.createRandom(random, RANDOM_BUNDLE_SEED);
        }
        return random;
    }
}
