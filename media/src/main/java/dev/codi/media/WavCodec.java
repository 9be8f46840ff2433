package dev.codi.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * WAV (RIFF/WAVE) encoding and a defensive decoder that walks the chunks itself. Layout: "RIFF",
 * size, "WAVE", then chunks of (4-byte id, 4-byte little-endian size, body, one pad byte when the
 * size is odd) — RIFF spec, Microsoft "Multimedia Programming Interface and Data Specifications 1.0".
 */
public final class WavCodec {
    private static final int RIFF_HEADER_BYTES = 12;
    private static final int CHUNK_HEADER_BYTES = 8;

    private WavCodec() {
    }

    /** Mono 16-bit PCM; samples are clamped to [-1, 1] and scaled by 32768 (the decoder's divisor). */
    public static byte[] encode(AudioClip clip) {
        float[] samples = clip.samples();
        int dataBytes = samples.length * 2;
        ByteBuffer out = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(ascii("RIFF")).putInt(36 + dataBytes).put(ascii("WAVE"));
        out.put(ascii("fmt ")).putInt(16)
                .putShort((short) WavFormat.PCM)
                .putShort((short) 1)               // channels
                .putInt(clip.sampleRate())
                .putInt(clip.sampleRate() * 2)      // byte rate = rate * block align
                .putShort((short) 2)               // block align = channels * 2 bytes
                .putShort((short) 16);             // bits per sample
        out.put(ascii("data")).putInt(dataBytes);
        for (float sample : samples) {
            long scaled = Math.round(Math.max(-1f, Math.min(1f, sample)) * 32768.0);
            out.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, scaled)));
        }
        return out.array();
    }

    public static AudioClip decode(byte[] wav) throws MediaDecodeException {
        return decode(wav, MediaLimits.defaults());
    }

    /**
     * PCM 8/16/24/32-bit or IEEE float 32/64, any channel count (averaged to mono), any rate,
     * WAVE_FORMAT_EXTENSIBLE included. The duration implied by the data chunk's size and the rate
     * is checked against {@code limits} before any sample is converted.
     */
    public static AudioClip decode(byte[] wav, MediaLimits limits) throws MediaDecodeException {
        if (wav == null) {
            throw new MediaDecodeException("not a WAV file: missing RIFF header (got " + MediaType.describeHead(null) + ")");
        }
        return decode(ByteBuffer.wrap(wav), limits);
    }

    /** The same from a buffer (a heap array or a memory-mapped file), read in place. */
    public static AudioClip decode(ByteBuffer buffer, MediaLimits limits) throws MediaDecodeException {
        ByteBuffer in = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int length = in.limit();
        if (length < RIFF_HEADER_BYTES || !"RIFF".equals(ascii(in, 0))) {
            throw new MediaDecodeException("not a WAV file: missing RIFF header (got "
                    + MediaType.describeHead(MediaType.head(in)) + ")");
        }
        if (!"WAVE".equals(ascii(in, 8))) {
            throw new MediaDecodeException("not a WAV file: RIFF form type is '" + ascii(in, 8) + "', expected 'WAVE'");
        }
        WavFormat format = null;
        int dataOffset = -1;
        long dataBytes = 0;
        int position = RIFF_HEADER_BYTES;
        while (position + CHUNK_HEADER_BYTES <= length) {
            String id = ascii(in, position);
            long size = Integer.toUnsignedLong(in.getInt(position + 4));
            int body = position + CHUNK_HEADER_BYTES;
            long available = length - body;
            if ("fmt ".equals(id)) {
                if (size > available) {
                    throw new MediaDecodeException("truncated WAV: 'fmt ' chunk declares " + size + " bytes, "
                            + available + " remain");
                }
                format = readFormat(in, body, (int) size);
                limits.checkAudio("WAV audio", format.channels(), format.sampleRate());
            } else if ("data".equals(id) && dataOffset < 0) {
                dataOffset = body;
                // Streamed writers leave 0 or 0xFFFFFFFF here and truncated uploads are common:
                // take what is actually present rather than trusting the size.
                dataBytes = size == 0 || size > available ? available : size;
                size = dataBytes;
            }
            // Odd-sized chunks are followed by one pad byte (RIFF spec).
            position = (int) Math.min(length, body + size + (size & 1));
        }
        if (format == null) {
            throw new MediaDecodeException("malformed WAV: no 'fmt ' chunk before the audio data");
        }
        if (dataOffset < 0) {
            throw new MediaDecodeException("malformed WAV: no 'data' chunk");
        }
        long frames = dataBytes / format.blockAlign();
        limits.checkDuration("WAV audio", frames / (double) format.sampleRate());
        return new AudioClip(format.sampleRate(), mixToMono(in, dataOffset, (int) frames, format));
    }

    private static WavFormat readFormat(ByteBuffer in, int offset, int size) throws MediaDecodeException {
        if (size < 16) {
            throw new MediaDecodeException("malformed WAV: 'fmt ' chunk is " + size + " bytes, at least 16 expected");
        }
        int formatTag = in.getShort(offset) & 0xFFFF;
        int channels = in.getShort(offset + 2) & 0xFFFF;
        long sampleRate = Integer.toUnsignedLong(in.getInt(offset + 4));
        int blockAlign = in.getShort(offset + 12) & 0xFFFF;
        int bitsPerSample = in.getShort(offset + 14) & 0xFFFF;
        if (formatTag == WavFormat.EXTENSIBLE) {
            // WAVEFORMATEXTENSIBLE: cbSize(2) validBits(2) channelMask(4) then the sub-format GUID,
            // whose first two bytes are the real format tag.
            if (size < 40) {
                throw new MediaDecodeException("malformed WAV: WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is " + size
                        + " bytes, 40 expected");
            }
            formatTag = in.getShort(offset + 24) & 0xFFFF;
        }
        return WavFormat.of(formatTag, channels, sampleRate, blockAlign, bitsPerSample);
    }

    private static float[] mixToMono(ByteBuffer in, int offset, int frames, WavFormat format) {
        float[] mono = new float[frames];
        int channels = format.channels();
        int width = format.bytesPerSample();
        for (int frame = 0; frame < frames; frame++) {
            int frameStart = offset + frame * format.blockAlign();
            double sum = 0;
            for (int channel = 0; channel < channels; channel++) {
                sum += sample(in, frameStart + channel * width, format);
            }
            mono[frame] = (float) Math.max(-1.0, Math.min(1.0, sum / channels));
        }
        return mono;
    }

    /** One sample in [-1, 1]: 8-bit PCM is unsigned with 128 as zero, wider PCM is signed. */
    private static double sample(ByteBuffer in, int at, WavFormat format) {
        if (format.encoding() == WavFormat.IEEE_FLOAT) {
            double value = format.bytesPerSample() == 4 ? in.getFloat(at) : in.getDouble(at);
            return Double.isFinite(value) ? value : 0.0;
        }
        return switch (format.bytesPerSample()) {
            case 1 -> ((in.get(at) & 0xFF) - 128) / 128.0;
            case 2 -> in.getShort(at) / 32768.0;
            case 3 -> ((in.get(at) & 0xFF) | (in.get(at + 1) & 0xFF) << 8 | in.get(at + 2) << 16) / 8388608.0;
            default -> in.getInt(at) / 2147483648.0;
        };
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String ascii(ByteBuffer bytes, int offset) {
        byte[] text = new byte[Math.min(4, bytes.limit() - offset)];
        bytes.get(offset, text);
        return new String(text, StandardCharsets.US_ASCII);
    }
}
