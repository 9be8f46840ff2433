package dev.codi.service;

import dev.codi.model.CodiModel;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One loaded model per bundle per JVM, shared by every stage instance in the process (the
 * all-in-one run hosts the encoder, diffusion and decoder stages together; loading the bundle
 * once saves memory and start-up time). Reference-counted: the last release closes it.
 */
public final class SharedModels {
    private static final Logger LOG = LoggerFactory.getLogger(SharedModels.class);
    private static final Map<Path, Entry> LOADED = new HashMap<>();

    private record Entry(CodiModel model, int users) {
    }

    private SharedModels() {
    }

    /** Loads (or reuses) the configured bundle; blocking. */
    public static synchronized CodiModel acquire(ServiceSettings settings, ObjectStore store) {
        Path directory = bundleDirectory(settings, store);
        Entry entry = LOADED.get(directory);
        if (entry == null) {
            long started = System.nanoTime();
            CodiModel model = CodiTinyModel.load(directory, CodiTinyModel.defaultDevice(), settings.networksAtOnce());
            LOG.info("loaded model {} {} from {} in {} ms{}", model.manifest().name(), model.manifest().version(), directory,
                    (System.nanoTime() - started) / 1_000_000,
                    model.manifest().trained() ? "" : " — UNTRAINED random bundle: outputs are noise");
            entry = new Entry(model, 0);
        }
        LOADED.put(directory, new Entry(entry.model(), entry.users() + 1));
        return entry.model();
    }

    public static synchronized void release(CodiModel model) {
        for (Map.Entry<Path, Entry> loaded : LOADED.entrySet()) {
            if (loaded.getValue().model() == model) {
                int users = loaded.getValue().users() - 1;
                if (users == 0) {
                    LOADED.remove(loaded.getKey());
                    model.close();
                } else {
                    loaded.setValue(new Entry(model, users));
                }
                return;
            }
        }
    }

    private static Path bundleDirectory(ServiceSettings settings, ObjectStore store) {
        if (settings.modelDirectory() != null) {
            return settings.modelDirectory().toAbsolutePath().normalize();
        }
        String prefix = settings.modelObjectPrefix().endsWith("/") ? settings.modelObjectPrefix() : settings.modelObjectPrefix() + "/";
        try {
            Path directory = Files.createTempDirectory("codi-bundle-");
            for (String key : store.list(prefix)) {
                Path target = directory.resolve(key.substring(prefix.length())).normalize();
                if (!target.startsWith(directory)) {
                    throw new IllegalStateException("bundle object " + key + " would escape the bundle directory");
                }
                Files.createDirectories(target.getParent());
                Files.write(target, store.get(key));
            }
            LOG.info("fetched model bundle {} from object storage into {}", prefix, directory);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("could not fetch model bundle " + prefix, e);
        }
    }
}
