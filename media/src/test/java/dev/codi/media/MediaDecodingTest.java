package dev.codi.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MediaDecodingTest {
    @Test
    void sniffsByMagicBytesOnly() throws Exception {
        assertThat(MediaType.sniff(ImageCodec.encodePng(RgbImage.blank(1, 1)))).contains(MediaType.PNG);
        assertThat(MediaType.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0})).contains(MediaType.JPEG);
        assertThat(MediaType.sniff(GifCodec.encode(TestMedia.movingSquare()))).contains(MediaType.GIF);
        assertThat(MediaType.sniff(Mp4Codec.encode(TestMedia.movingSquare()))).contains(MediaType.MP4);
        assertThat(MediaType.sniff(WavCodec.encode(new AudioClip(8000, new float[4])))).contains(MediaType.WAV);
        assertThat(MediaType.sniff("a red circle moving up".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(MediaType.sniff(new byte[0])).isEmpty();
        assertThat(MediaType.MP4.contentType()).isEqualTo("video/mp4");
        assertThat(MediaType.TEXT.contentType()).isEqualTo("text/plain;charset=UTF-8");
        assertThat(MediaType.WAV.extension()).isEqualTo(".wav");
    }

    @Test
    void routesEachModalityToItsCodec() throws Exception {
        assertThat(MediaDecoding.decodeVideo(GifCodec.encode(TestMedia.movingSquare())).frames()).hasSize(8);
        assertThat(MediaDecoding.decodeVideo(Mp4Codec.encode(TestMedia.movingSquare())).frames()).hasSize(8);
        assertThat(MediaDecoding.decodeImage(ImageCodec.encodePng(RgbImage.blank(3, 2))).width()).isEqualTo(3);
        assertThat(MediaDecoding.decodeAudio(WavCodec.encode(new AudioClip(8000, new float[4]))).sampleRate())
                .isEqualTo(8000);
        assertThat(MediaDecoding.decodeText("\uFEFFa red shape".getBytes(StandardCharsets.UTF_8))).isEqualTo("a red shape");
    }

    @Test
    void saysWhatWasExpectedAndWhatArrived() {
        byte[] gif = GifCodec.encode(TestMedia.movingSquare());

        assertThatThrownBy(() -> MediaDecoding.decodeImage(gif))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageStartingWith("expected PNG or JPEG, got bytes starting 0x47 0x49 0x46 0x38")
                .hasMessageEndingWith("(a GIF file)");
        assertThatThrownBy(() -> MediaDecoding.decodeVideo(new byte[0]))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessage("expected GIF or MP4, got no bytes at all (empty input)");
        assertThatThrownBy(() -> MediaDecoding.decodeAudio(gif))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageStartingWith("expected WAV");
        assertThatThrownBy(() -> MediaDecoding.decodeText(new byte[] {'a', (byte) 0xC3}))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageStartingWith("text is not valid UTF-8");
    }
}
