package dev.codi.media;

/**
 * How each output pixel along one axis mixes input pixels: area averaging when shrinking (each
 * output pixel is the coverage-weighted mean of the input pixels under it, so no input pixel is
 * skipped and there is no aliasing), bilinear when enlarging (pixel centres aligned:
 * source = (out + 0.5) * in / out - 0.5).
 *
 * @param sources for each output index, the input indices it reads
 * @param weights for each output index, their weights (summing to 1)
 */
record AxisWeights(int[][] sources, double[][] weights) {
    AxisWeights {
        if (sources.length != weights.length) {
            throw new IllegalArgumentException("one weight list per output index");
        }
    }

    static AxisWeights of(int inputLength, int outputLength) {
        if (inputLength <= 0 || outputLength <= 0) {
            throw new IllegalArgumentException("sizes must be positive, got " + inputLength + " -> " + outputLength);
        }
        return outputLength < inputLength ? area(inputLength, outputLength) : bilinear(inputLength, outputLength);
    }

    private static AxisWeights area(int inputLength, int outputLength) {
        double scale = inputLength / (double) outputLength; // input pixels per output pixel, > 1
        int[][] sources = new int[outputLength][];
        double[][] weights = new double[outputLength][];
        for (int out = 0; out < outputLength; out++) {
            double start = out * scale;
            double end = start + scale;
            int first = (int) Math.floor(start);
            int last = Math.min(inputLength - 1, (int) Math.ceil(end) - 1);
            sources[out] = new int[last - first + 1];
            weights[out] = new double[last - first + 1];
            for (int in = first; in <= last; in++) {
                double overlap = Math.min(end, in + 1) - Math.max(start, in);
                sources[out][in - first] = in;
                weights[out][in - first] = Math.max(0, overlap) / scale;
            }
        }
        return new AxisWeights(sources, weights);
    }

    private static AxisWeights bilinear(int inputLength, int outputLength) {
        int[][] sources = new int[outputLength][];
        double[][] weights = new double[outputLength][];
        for (int out = 0; out < outputLength; out++) {
            double position = (out + 0.5) * inputLength / outputLength - 0.5;
            position = Math.max(0, Math.min(inputLength - 1, position));
            int left = (int) Math.floor(position);
            int right = Math.min(inputLength - 1, left + 1);
            double fraction = position - left;
            sources[out] = new int[] {left, right};
            weights[out] = new double[] {1 - fraction, fraction};
        }
        return new AxisWeights(sources, weights);
    }
}
