package dev.codi.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
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

    /**
     * Decodes a PNG or JPEG of any size within {@code limits}; grayscale and palette images come
     * back as RGB and alpha is composited on black.
     */
    public static RgbImage decode(byte[] pngOrJpeg, MediaLimits limits) throws MediaDecodeException {
        MediaType type = MediaType.sniff(pngOrJpeg).orElse(null);
        if (type != MediaType.PNG && type != MediaType.JPEG) {
            throw new MediaDecodeException("expected PNG or JPEG, got " + MediaType.describeHead(pngOrJpeg));
        }
        String format = type == MediaType.PNG ? "png" : "jpeg";
        ImageReader reader = readerFor(format);
        try (MemoryCacheImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(pngOrJpeg))) {
            reader.setInput(input, true, true);
            // getWidth/getHeight read only the header (PNG IHDR, JPEG SOF) — no pixel data yet.
            limits.checkSize(type + " image", reader.getWidth(0), reader.getHeight(0));
            BufferedImage image = reader.read(0);
            return BufferedImages.toRgbImage(image);
        } catch (IOException | RuntimeException e) {
            throw new MediaDecodeException("malformed " + type + " image: " + describe(e), e);
        } finally {
            reader.dispose();
        }
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
