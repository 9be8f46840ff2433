package dev.codi.lab.bundle;

import dev.codi.model.tiny.CodiTinyBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CreateRandomBundleTest {
    @Test
    void writesAReadableBundleWithTheGivenSeed(@TempDir Path directory) {
        Path out = directory.resolve("bundle");
        int exit = new CommandLine(new CreateRandomBundle()).execute("--out", out.toString(), "--seed", "12");
        assertThat(exit).isZero();
        var manifest = CodiTinyBundle.readManifest(out);
        assertThat(manifest.seed()).isEqualTo(12);
        assertThat(manifest.trained()).isFalse();
        assertThat(out.resolve("image_autoencoder.params")).isRegularFile();
    }

    @Test
    void missingOutIsAUsageError() {
        StringWriter errors = new StringWriter();
        CommandLine command = new CommandLine(new CreateRandomBundle()).setErr(new PrintWriter(errors));
        assertThat(command.execute("--seed", "1")).isEqualTo(2);
        assertThat(errors.toString()).contains("--out");
    }
}
