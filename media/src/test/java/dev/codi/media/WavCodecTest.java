package dev.codi.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class WavCodecTest {
    @Test
    void sixteenBitRoundTripIsWithinOneStep() throws Exception {
        AudioClip clip = TestMedia.tone(440, 16000, 1.0, 0.999);
        clip.samples()[0] = 1f;
        clip.samples()[1] = -1f;

        AudioClip decoded = WavCodec.decode(WavCodec.encode(clip));

        assertThat(decoded.sampleRate()).isEqualTo(16000);
        assertThat(decoded.samples()).hasSize(16000);
        for (int i = 0; i < clip.samples().length; i++) {
            assertThat(decoded.samples()[i]).isCloseTo(clip.samples()[i], Offset.offset(1f / 32768));
        }
    }

    @Test
    void stereoFloatAt44100IsMixedToMonoAtItsRate() throws Exception {
        int frames = 441;
        ByteBuffer data = ByteBuffer.allocate(frames * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            data.putFloat(0.5f).putFloat(i % 2 == 0 ? 0.25f : -0.5f);
        }

        AudioClip decoded = WavCodec.decode(wav(fmt(3, 2, 44100, 32), data.array()));

        assertThat(decoded.sampleRate()).isEqualTo(44100);
        assertThat(decoded.samples()).hasSize(frames);
        assertThat(decoded.samples()[0]).isEqualTo(0.375f);
        assertThat(decoded.samples()[1]).isEqualTo(0f);
    }

    @Test
    void decodesEightAndTwentyFourBitAndExtensible() throws Exception {
        AudioClip eight = WavCodec.decode(wav(fmt(1, 1, 8000, 8), new byte[] {(byte) 0, (byte) 128, (byte) 192}));
        assertThat(eight.samples()).containsExactly(-1f, 0f, 0.5f);

        byte[] threeBytes = {0x00, 0x00, 0x40, 0x00, 0x00, (byte) 0xC0}; // +0.5, -0.5 little-endian
        AudioClip twentyFour = WavCodec.decode(wav(fmt(1, 1, 96000, 24), threeBytes));
        assertThat(twentyFour.samples()).containsExactly(0.5f, -0.5f);

        ByteBuffer pcm32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1 << 30).putInt(-(1 << 30));
        AudioClip extensible = WavCodec.decode(wav(extensibleFmt(1, 2, 22050, 32), pcm32.array()));
        assertThat(extensible.sampleRate()).isEqualTo(22050);
        assertThat(extensible.samples()).containsExactly(0f); // one stereo frame (+0.5, -0.5) mixed down
    }

    @Test
    void skipsUnknownOddSizedChunksWithTheirPadByte() throws Exception {
        byte[] listChunk = chunk("LIST", new byte[] {'I', 'N', 'F'}); // size 3 -> one pad byte
        ByteBuffer data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 16384).putShort((short) -16384);

        AudioClip decoded = WavCodec.decode(riff(fmt(1, 1, 8000, 16), listChunk, chunk("data", data.array())));

        assertThat(decoded.samples()).containsExactly(0.5f, -0.5f);
    }

    @Test
    void bogusDataSizeTakesWhatIsPresent() throws Exception {
        // Streaming writers leave 0xFFFFFFFF as the data size; the 4 bytes present are 2 samples.
        byte[] file = wav(fmt(1, 1, 8000, 16), new byte[] {0, 64, 0, -64});
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(file.length - 4 - 4, 0xFFFFFFFF);

        AudioClip decoded = WavCodec.decode(file);

        assertThat(decoded.samples()).containsExactly(0.5f, -0.5f);
    }

    @Test
    void refusesDurationOverTheLimitAndExplainsBadInput() {
        byte[] oneSecond = WavCodec.encode(new AudioClip(16000, new float[16000]));
        assertThatThrownBy(() -> WavCodec.decode(oneSecond, new MediaLimits(64, 64, 0.5, 10)))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("lasts 1.00 s, longer than the 0.50 s limit");

        assertThatThrownBy(() -> WavCodec.decode("hello world!".getBytes()))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageStartingWith("not a WAV file: missing RIFF header");
        assertThatThrownBy(() -> WavCodec.decode(wav(fmt(1, 1, 8000, 12), new byte[4])))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("12-bit PCM");
        assertThatThrownBy(() -> WavCodec.decode(riff(fmt(1, 1, 8000, 16))))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("no 'data' chunk");
    }

    static byte[] fmt(int tag, int channels, int rate, int bits) {
        int blockAlign = channels * bits / 8;
        ByteBuffer body = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
                .putShort((short) blockAlign).putShort((short) bits);
        return chunk("fmt ", body.array());
    }

    static byte[] extensibleFmt(int subFormat, int channels, int rate, int bits) {
        int blockAlign = channels * bits / 8;
        ByteBuffer body = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0xFFFE).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
                .putShort((short) blockAlign).putShort((short) bits)
                .putShort((short) 22).putShort((short) bits).putInt(3)
                .putShort((short) subFormat); // then the rest of the KSDATAFORMAT GUID (zeros here)
        return chunk("fmt ", body.array());
    }

    static byte[] wav(byte[] fmtChunk, byte[] samples) {
        return riff(fmtChunk, chunk("data", samples));
    }

    static byte[] riff(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WAVE".getBytes());
        for (byte[] chunk : chunks) {
            body.writeBytes(chunk);
        }
        ByteBuffer out = ByteBuffer.allocate(8 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes()).putInt(body.size()).put(body.toByteArray());
        return out.array();
    }

    static byte[] chunk(String id, byte[] body) {
        ByteBuffer out = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(id.getBytes()).putInt(body.length).put(body);
        return out.array();
    }
}
