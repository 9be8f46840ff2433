package dev.codi.world.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codi.media.AudioClip;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.media.WavCodec;
import dev.codi.world.Attributes;
import dev.codi.world.Color;
import dev.codi.world.Combination;
import dev.codi.world.Motion;
import dev.codi.world.Shape;
import dev.codi.world.WorldGenerator;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JudgeTest {
    private final WorldGenerator generator = new WorldGenerator();

    @Test
    void inMemoryMediaOfEveryCombinationIsJudgedRight() {
        Random random = new Random(11);
        for (Combination c : Combination.ALL) {
            assertThat(Judge.image(generator.image(c.color(), c.shape(), random)))
                    .isEqualTo(Attributes.of(c.color(), c.shape(), null));
            assertThat(Judge.video(generator.video(c.color(), c.shape(), c.motion(), random)))
                    .isEqualTo(c.toAttributes());
            assertThat(Judge.audio(generator.audio(c.color(), c.shape(), c.motion(), random)))
                    .isEqualTo(c.toAttributes());
            // synthesised directly at other rates, not only resampled
            assertThat(Judge.audio(generator.audio(c.color(), c.shape(), c.motion(), 11_025, random)))
                    .isEqualTo(c.toAttributes());
        }
    }

    @Test
    void blankImagesVideosAndSilenceAreUnknownNotGuessed() {
        RgbImage dark = RgbImage.blank(32, 32);
        assertThat(Judge.image(dark)).isEqualTo(Attributes.none());
        assertThat(Judge.video(new VideoClip(Collections.nCopies(8, dark), 8))).isEqualTo(Attributes.none());
        assertThat(Judge.audio(new AudioClip(16_000, new float[16_000]))).isEqualTo(Attributes.none());
    }

    @Test
    void aStillVideoHasNoMotionButKeepsColorAndShape() {
        RgbImage frame = generator.image(Color.GREEN, Shape.TRIANGLE, new Random(3));
        assertThat(Judge.video(new VideoClip(Collections.nCopies(8, frame), 8)))
                .isEqualTo(Attributes.of(Color.GREEN, Shape.TRIANGLE, null));
    }

    @Test
    void filesAreRecognisedBySignatureAndMustMatchTheirModality() throws MediaDecodeException {
        byte[] png = ImageCodec.encodePng(generator.image(Color.PURPLE, Shape.CROSS, new Random(4)));
        Judgement judgement = Judge.judge(Modality.IMAGE, png);
        assertThat(judgement.format()).isEqualTo(MediaType.PNG);
        assertThat(judgement.attributes()).isEqualTo(Attributes.of(Color.PURPLE, Shape.CROSS, null));
        assertThat(judgement.evidence()).contains("PURPLE", "CROSS");

        assertThatThrownBy(() -> Judge.judge(Modality.AUDIO, png))
                .isInstanceOf(MediaDecodeException.class).hasMessageContaining("not audio");
        assertThatThrownBy(() -> Judge.judge(Modality.VIDEO, "a red circle".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MediaDecodeException.class).hasMessageContaining("unrecognised video");
        assertThatThrownBy(() -> Judge.judge(Modality.TEXT, new byte[] {(byte) 0xC3, (byte) 0x28}))
                .isInstanceOf(MediaDecodeException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void textFilesAreParsedAndAudioBelow8kHzIsRefused() throws MediaDecodeException {
        Judgement text = Judge.judge(Modality.TEXT, "something yellow moving down\n".getBytes(StandardCharsets.UTF_8));
        assertThat(text.attributes()).isEqualTo(Attributes.of(Color.YELLOW, null, Motion.DOWN));

        byte[] lowRate = WavCodec.encode(new AudioClip(4_000, new float[4_000]));
        assertThatThrownBy(() -> Judge.judge(Modality.AUDIO, lowRate)).hasMessageContaining("8000 Hz");
    }
}
