package dev.codi.training.loop;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.codi.model.nn.TinyBlock;
import dev.codi.model.tiny.CodiTinyNetworks;
import dev.codi.training.TrainingStep;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checkpoints under {@code <root>/<stage>/step-NNNNNN/}: every network's parameters (so the last
 * checkpoint of a stage is everything the next stage starts from) and {@value #STATE}. A checkpoint
 * directory is written under a temporary name and renamed, so a crash never leaves half of one.
 */
public final class Checkpoints {
    public static final String STATE = "state.json";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int KEEP = 2;

    private final Path root;

    public Checkpoints(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path save(TrainingStep stage, CheckpointState state, CodiTinyNetworks networks) {
        Path stageDirectory = root.resolve(stage.id());
        Path target = stageDirectory.resolve(String.format("step-%06d", state.step()));
        Path temporary = stageDirectory.resolve(String.format(".step-%06d.tmp", state.step()));
        try {
            deleteRecursively(temporary);
            Files.createDirectories(temporary);
            for (var entry : networks.byName().entrySet()) {
                try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        Files.newOutputStream(temporary.resolve(entry.getKey() + ".params"))))) {
                    entry.getValue().saveParameters(out);
                }
            }
            JSON.writeValue(temporary.resolve(STATE).toFile(), state);
            deleteRecursively(target);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            List<Path> all = list(stage);
            for (int i = 0; i < all.size() - KEEP; i++) {
                deleteRecursively(all.get(i));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    /** The stage's checkpoint with the most steps, if any. */
    public Optional<Path> latest(TrainingStep stage) {
        List<Path> all = list(stage);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    public CheckpointState readState(Path checkpoint) {
        try {
            return JSON.readValue(checkpoint.resolve(STATE).toFile(), CheckpointState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + checkpoint.resolve(STATE), e);
        }
    }

    /**
     * Loads every network's parameters from a checkpoint into {@code networks} — except the
     * environment encoders that no stage up to the checkpoint's has trained (all of them after stage
     * 1; video's after text–image and text–audio): they keep their seeded initialisation until the
     * stage that trains them, and checkpoints written before their current architecture hold
     * another layout.
     */
    public void loadWeights(Path checkpoint, CodiTinyNetworks networks, NDManager manager) {
        TrainingStep stage = TrainingStep.fromId(readState(checkpoint).stage());
        java.util.Set<dev.codi.media.Modality> trainedEnvironments = TrainingStep.stageTwo().stream()
                .filter(joint -> joint.ordinal() <= stage.ordinal())
                .flatMap(joint -> joint.modalities().stream())
                .collect(java.util.stream.Collectors.toSet());
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        networks.byName().forEach((name, block) -> {
            boolean untrainedEnvironment = networks.environmentEncoders.entrySet().stream()
                    .anyMatch(entry -> entry.getValue() == block && !trainedEnvironments.contains(entry.getKey()));
            if (!untrainedEnvironment) {
                names.add(name);
            }
        });
        loadWeights(checkpoint, networks, manager, names);
    }

    /** Loads only the named networks' parameters from a checkpoint into {@code networks}. */
    public void loadWeights(Path checkpoint, CodiTinyNetworks networks, NDManager manager, java.util.Set<String> names) {
        for (var entry : networks.byName().entrySet()) {
            if (!names.contains(entry.getKey())) {
                continue;
            }
            Path file = checkpoint.resolve(entry.getKey() + ".params");
            TinyBlock block = entry.getValue();
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                block.loadParameters(manager, in);
            } catch (IOException | MalformedModelException e) {
                throw new IllegalStateException("cannot load " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private List<Path> list(TrainingStep stage) {
        Path stageDirectory = root.resolve(stage.id());
        if (!Files.isDirectory(stageDirectory)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(stageDirectory)) {
            return children.filter(p -> p.getFileName().toString().matches("step-\\d{6}"))
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + stageDirectory, e);
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
