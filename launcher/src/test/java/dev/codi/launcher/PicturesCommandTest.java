package dev.codi.launcher;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PicturesCommandTest {
    @Test
    void replacesOnlyThePicturesBlock() {
        String readme = "# codi\n\nintro\n\n" + PicturesCommand.BEGIN + "\nold\n" + PicturesCommand.END + "\n\n## More\n";

        String written = PicturesCommand.withBlock(readme, PicturesCommand.BEGIN + "\nnew\n" + PicturesCommand.END);

        assertThat(written).isEqualTo("# codi\n\nintro\n\n" + PicturesCommand.BEGIN + "\nnew\n" + PicturesCommand.END + "\n\n## More\n");
    }

    @Test
    void insertsTheBlockAfterTheIntroductionWhenThereIsNone() {
        String written = PicturesCommand.withBlock("# codi\n\nintro\n\n## More\n", "BLOCK");

        assertThat(written).isEqualTo("# codi\n\nintro\n\nBLOCK\n\n## More\n");
    }
}
