package dev.codi.media;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** PNG encoding, PNG/JPEG decoding through ImageIO, with the header checked against limits first. */
public final class ImageCodec {
    private ImageCodec() {
    }

    /** A lossless 8-bit RGB PNG. */
    public static byte[] encodePng(RgbImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // Memory-cached stream: ImageIO's default may spill to temp files, which services must not do.
        try (MemoryCacheImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(output);
            writer.write(BufferedImages.toBufferedImage(image));
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    public static RgbImage decode(byte[] pngOrJpeg) throws MediaDecodeException {
        return decode(pngOrJpeg, MediaLimits.defaults());
    }

    public static RgbImage decode(byte[] pngOrJpeg, MediaLimits limits) throws MediaDecodeException {
        return decode(ByteBuffer.wrap(pngOrJpeg), limits);
    }

    /**
     * Decodes a PNG or JPEG of any size within {@code limits}; grayscale and palette images come
     * back as RGB and alpha is composited on black. The header is checked first (PNG IHDR, JPEG
     * SOF, the JPEG's scan count); a picture whose decoded buffer would pass
     * {@link MediaLimits#maxDecodedBytes()} (a 4096² 16-bit RGBA PNG asks for 128 MiB) is decoded
     * subsampled by the smallest whole factor that fits, so it comes back smaller than its source.
     */
    public static RgbImage decode(ByteBuffer pngOrJpeg, MediaLimits limits) throws MediaDecodeException {
        byte[] head = MediaType.head(pngOrJpeg);
        MediaType type = MediaType.sniff(head).orElse(null);
        if (type != MediaType.PNG && type != MediaType.JPEG) {
            throw new MediaDecodeException("expected PNG or JPEG, got " + MediaType.describeHead(head));
        }
        if (type == MediaType.JPEG) {
            JpegScans.check(pngOrJpeg, limits);
        }
        DecodeDeadline deadline = DecodeDeadline.start(type + " decoding", limits);
        String format = type == MediaType.PNG ? "png" : "jpeg";
        ImageReader reader = readerFor(format);
        try (ByteBufferImageInputStream input = new ByteBufferImageInputStream(pngOrJpeg)) {
            reader.setInput(input, true, true);
            // getWidth/getHeight read only the header (PNG IHDR, JPEG SOF) — no pixel data yet.
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            limits.checkSize(type + " image", width, height);
            limits.checkPixels(type + " image", 1, width, height);
            ImageReadParam param = reader.getDefaultReadParam();
            int factor = subsampling(width, height, bytesPerPixel(reader), limits.maxDecodedBytes());
            param.setSourceSubsampling(factor, factor, 0, 0);
            BufferedImage image = ImageReads.read(reader, 0, param, deadline);
            return BufferedImages.toRgbImage(image);
        } catch (IOException | RuntimeException e) {
            throw new MediaDecodeException("malformed " + type + " image: " + describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    /** The smallest whole factor f with ceil(w / f) × ceil(h / f) × bytes per pixel within the budget. */
    static int subsampling(int width, int height, int bytesPerPixel, long maxBytes) {
        int factor = 1;
        while ((long) ceilDiv(width, factor) * ceilDiv(height, factor) * bytesPerPixel > maxBytes) {
            factor++;
        }
        return factor;
    }

    private static int ceilDiv(int value, int divisor) {
        return (value + divisor - 1) / divisor;
    }

    /** What the reader's first destination type stores per pixel (all bands, 16-bit samples = 2 bytes). */
    private static int bytesPerPixel(ImageReader reader) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (types == null || !types.hasNext()) {
            return 8; // the widest ImageIO makes: 16-bit RGBA
        }
        SampleModel model = types.next().getSampleModel(1, 1);
        int sampleBytes = (DataBuffer.getDataTypeSize(model.getDataType()) + 7) / 8;
        return model instanceof ComponentSampleModel ? sampleBytes * model.getNumBands() : sampleBytes;
    }

    static ImageReader readerFor(String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("this JDK has no ImageIO reader for " + format);
        }
        return readers.next();
    }

    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
