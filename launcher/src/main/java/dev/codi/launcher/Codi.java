package dev.codi.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./codi}: run the system, generate from the command line. */
@Command(name = "codi", mixinStandardHelpOptions = true, version = "codi 0.1.0",
        description = "Any-to-any generation (Composable Diffusion) as a Kafka pipeline.",
        subcommands = {ServeCommand.class, GenerateCommand.class, BenchCommand.class, JudgeCommand.class, PicturesCommand.class})
public final class Codi {
    public static void main(String[] args) {
        int exitCode = new CommandLine(new Codi()).execute(args);
        if (exitCode != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(exitCode);
        }
    }
}
