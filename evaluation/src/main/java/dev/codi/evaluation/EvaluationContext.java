package dev.codi.evaluation;

import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.world.WorldGenerator;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What every section of the report works with.
 *
 * @param pictures  where pictures go (PNG), the markdown links them relative to the report
 * @param artifacts where to keep every judged output file, or {@code null} to judge them in memory
 */
public record EvaluationContext(CodiTinyModel model, Settings settings, BatchSampler sampler, WorldGenerator world,
                                Progress progress, Path pictures, Path artifacts) {

    public static EvaluationContext of(CodiTinyModel model, Settings settings, Progress progress, Path pictures, Path artifacts) {
        return new EvaluationContext(model, settings, new BatchSampler(model, settings, progress), new WorldGenerator(),
                progress, pictures, artifacts);
    }

    public Optional<Path> artifactDirectory(String section) {
        return Optional.ofNullable(artifacts).map(directory -> directory.resolve(section));
    }
}
