package dev.codi.launcher;

import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.world.judge.Judge;
import dev.codi.world.judge.Judgement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code codi judge FILE...}: what the Shapes & Tones judge reads in artifact files (docs/design.md §8,
 * analytic, no learned network) — e.g. on what {@code codi generate} wrote.
 */
@Command(name = "judge", mixinStandardHelpOptions = true,
        description = "Recover color, shape and motion from PNG / GIF / MP4 / WAV / TXT files with the analytic judge.")
final class JudgeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "artifact files")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        int unreadable = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            Optional<MediaType> sniffed = MediaType.sniff(bytes);
            Modality modality = sniffed.map(JudgeCommand::modalityOf).orElse(Modality.TEXT);
            try {
                Judgement judgement = Judge.judge(modality, bytes);
                System.out.printf("%-28s %-6s %s%n", file, modality.wireName(), judgement.attributes());
            } catch (dev.codi.media.MediaDecodeException e) {
                System.out.printf("%-28s cannot judge: %s%n", file, e.getMessage());
                unreadable++;
            }
        }
        return unreadable == 0 ? 0 : 1;
    }

    private static Modality modalityOf(MediaType type) {
        return switch (type) {
            case PNG, JPEG -> Modality.IMAGE;
            case GIF, MP4 -> Modality.VIDEO;
            case WAV -> Modality.AUDIO;
            case TEXT -> Modality.TEXT;
        };
    }
}
