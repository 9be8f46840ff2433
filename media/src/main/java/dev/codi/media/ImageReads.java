package dev.codi.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;

/** ImageIO reads that stop at the decode deadline: the readers poll {@code abortRequested()} per row. */
final class ImageReads {
    private ImageReads() {
    }

    static BufferedImage read(ImageReader reader, int index, ImageReadParam param, DecodeDeadline deadline)
            throws IOException, MediaDecodeException {
        IIOReadProgressListener listener = new AbortAtDeadline(deadline);
        reader.addIIOReadProgressListener(listener);
        try {
            BufferedImage image = reader.read(index, param);
            deadline.check();
            return image;
        } finally {
            reader.removeIIOReadProgressListener(listener);
        }
    }

    private record AbortAtDeadline(DecodeDeadline deadline) implements IIOReadProgressListener {
        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (deadline.passed()) {
                source.abort();
            }
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {
        }

        @Override
        public void sequenceComplete(ImageReader source) {
        }

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {
        }

        @Override
        public void imageComplete(ImageReader source) {
        }

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {
        }

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {
        }

        @Override
        public void thumbnailComplete(ImageReader source) {
        }

        @Override
        public void readAborted(ImageReader source) {
        }
    }
}
