package dev.codi.media;

/**
 * The fields of a WAV 'fmt ' chunk that decoding needs (Microsoft "Multimedia Programming
 * Interface and Data Specifications 1.0", WAVEFORMATEX / WAVEFORMATEXTENSIBLE).
 *
 * @param encoding       {@link #PCM} or {@link #IEEE_FLOAT}; for WAVE_FORMAT_EXTENSIBLE, the sub-format
 * @param bytesPerSample container size of one sample of one channel
 */
record WavFormat(int encoding, int channels, int sampleRate, int bytesPerSample) {
    static final int PCM = 0x0001;
    static final int IEEE_FLOAT = 0x0003;
    static final int EXTENSIBLE = 0xFFFE;
    /** Far above any real audio rate (DXD is 352.8 kHz); bounds the memory a header can ask for. */
    static final int MAX_SAMPLE_RATE = 768_000;
    static final int MAX_CHANNELS = 64;

    WavFormat {
        if (encoding != PCM && encoding != IEEE_FLOAT) {
            throw new IllegalArgumentException("encoding must be PCM or IEEE float");
        }
    }

    int blockAlign() {
        return channels * bytesPerSample;
    }

    /**
     * Validates and builds a format from the raw chunk fields, saying what is unsupported.
     * {@code bitsPerSample} in the header is the container size for EXTENSIBLE (valid bits may be fewer).
     */
    static WavFormat of(int formatTag, int channels, long sampleRate, int blockAlign, int bitsPerSample)
            throws MediaDecodeException {
        if (formatTag != PCM && formatTag != IEEE_FLOAT) {
            throw new MediaDecodeException(String.format(
                    "unsupported WAV encoding 0x%04X; expected PCM (1) or IEEE float (3)", formatTag));
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new MediaDecodeException("WAV declares " + channels + " channels; expected 1 to " + MAX_CHANNELS);
        }
        if (sampleRate < 1 || sampleRate > MAX_SAMPLE_RATE) {
            throw new MediaDecodeException("WAV declares a sample rate of " + sampleRate + " Hz; expected 1 to "
                    + MAX_SAMPLE_RATE);
        }
        boolean supported = formatTag == PCM
                ? bitsPerSample == 8 || bitsPerSample == 16 || bitsPerSample == 24 || bitsPerSample == 32
                : bitsPerSample == 32 || bitsPerSample == 64;
        if (!supported) {
            throw new MediaDecodeException("unsupported WAV sample size: " + bitsPerSample + "-bit "
                    + (formatTag == PCM ? "PCM (expected 8, 16, 24 or 32)" : "float (expected 32 or 64)"));
        }
        WavFormat format = new WavFormat(formatTag, channels, (int) sampleRate, bitsPerSample / 8);
        if (blockAlign != format.blockAlign()) {
            throw new MediaDecodeException("WAV block align is " + blockAlign + " but " + channels + " channels of "
                    + bitsPerSample + " bits need " + format.blockAlign());
        }
        return format;
    }
}
