package dev.codi.model.autoencoder;

/** In-place iterative radix-2 complex FFT (Cooley–Tukey), enough for STFT frames of 2^k samples. */
final class Fft {
    private final int size;
    private final double[] cos; // (size / 2)
    private final double[] sin; // (size / 2)
    private final int[] bitReversed;

    Fft(int size) {
        if (size < 2 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two, got " + size);
        }
        this.size = size;
        cos = new double[size / 2];
        sin = new double[size / 2];
        for (int i = 0; i < size / 2; i++) {
            cos[i] = Math.cos(2 * Math.PI * i / size);
            sin[i] = Math.sin(2 * Math.PI * i / size);
        }
        bitReversed = new int[size];
        int bits = Integer.numberOfTrailingZeros(size);
        for (int i = 0; i < size; i++) {
            bitReversed[i] = Integer.reverse(i) >>> (32 - bits);
        }
    }

    /** X_k = Σ x_n e^{∓2πikn/N}: forward with the minus sign; inverse is unscaled. */
    void transform(double[] real, double[] imaginary, boolean inverse) {
        for (int i = 0; i < size; i++) {
            int j = bitReversed[i];
            if (j > i) {
                double t = real[i]; real[i] = real[j]; real[j] = t;
                t = imaginary[i]; imaginary[i] = imaginary[j]; imaginary[j] = t;
            }
        }
        double sign = inverse ? 1 : -1;
        for (int length = 2; length <= size; length <<= 1) {
            int half = length / 2;
            int twiddleStep = size / length;
            for (int start = 0; start < size; start += length) {
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * twiddleStep];
                    double wi = sign * sin[k * twiddleStep];
                    int a = start + k;
                    int b = a + half;
                    double xr = real[b] * wr - imaginary[b] * wi;
                    double xi = real[b] * wi + imaginary[b] * wr;
                    real[b] = real[a] - xr;
                    imaginary[b] = imaginary[a] - xi;
                    real[a] += xr;
                    imaginary[a] += xi;
                }
            }
        }
    }
}
