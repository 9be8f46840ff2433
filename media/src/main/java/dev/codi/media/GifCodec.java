package dev.codi.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Animated GIF (GIF89a spec, W3C 1990) through ImageIO: the writer adds the NETSCAPE2.0
 * application extension so viewers loop forever, and the reader composites every frame onto a
 * logical-screen canvas honouring frame offsets and disposal methods (GIF89a §23 Graphic Control
 * Extension), with transparency over black.
 */
public final class GifCodec {
    private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";
    private static final String STREAM_FORMAT = "javax_imageio_gif_stream_1.0";
    /** Browsers replace delays under 2 centiseconds with 10 (100 ms), so never write fewer. */
    private static final int MIN_DELAY_CENTISECONDS = 2;
    private static final double DEFAULT_FPS = 10.0;

    private GifCodec() {
    }

    /** Loops forever; each frame shows for round(100 / fps) centiseconds (at least 2). */
    public static byte[] encode(VideoClip clip) {
        int delay = Math.max(MIN_DELAY_CENTISECONDS, (int) Math.round(100.0 / clip.framesPerSecond()));
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(output);
            ImageWriteParam param = writer.getDefaultWriteParam();
            writer.prepareWriteSequence(null);
            boolean first = true;
            for (RgbImage frame : clip.frames()) {
                // RGB input: the JDK writer builds a palette of up to 256 colours per frame.
                BufferedImage image = BufferedImages.toBufferedImage(frame);
                IIOMetadata metadata = writer.getDefaultImageMetadata(
                        ImageTypeSpecifier.createFromRenderedImage(image), param);
                metadata.mergeTree(IMAGE_FORMAT, frameMetadata(delay, first));
                writer.writeToSequence(new IIOImage(image, null, metadata), param);
                first = false;
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a GIF to memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static IIOMetadataNode frameMetadata(int delayCentiseconds, boolean withLoopExtension) {
        IIOMetadataNode root = new IIOMetadataNode(IMAGE_FORMAT);
        IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(delayCentiseconds));
        control.setAttribute("transparentColorIndex", "0");
        root.appendChild(control);
        if (withLoopExtension) {
            // NETSCAPE2.0 looping extension: sub-block id 1, then a little-endian loop count, 0 = forever.
            IIOMetadataNode extensions = new IIOMetadataNode("ApplicationExtensions");
            IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            loop.setUserObject(new byte[] {1, 0, 0});
            extensions.appendChild(loop);
            root.appendChild(extensions);
        }
        return root;
    }

    public static VideoClip decode(byte[] gif) throws MediaDecodeException {
        return decode(gif, MediaLimits.defaults());
    }

    /** Every frame at the logical screen's size; see {@link #decode(ByteBuffer, MediaLimits, int, int)}. */
    public static VideoClip decode(byte[] gif, MediaLimits limits) throws MediaDecodeException {
        return decode(ByteBuffer.wrap(gif), limits, 0, 0);
    }

    /**
     * Every frame as the viewer would show it, resampled to {@code width x height} as it is
     * composited (0 x 0 keeps the logical screen's size); fps = 100 / mean frame delay in
     * centiseconds (10 fps when the file gives no delays). The logical screen, each frame's size,
     * the frame count, the total delay and the pixel budget (frames × screen, and the sum of the
     * frames' own areas) are checked against {@code limits} before pixels are decoded.
     */
    public static VideoClip decode(ByteBuffer gif, MediaLimits limits, int width, int height)
            throws MediaDecodeException {
        byte[] head = MediaType.head(gif);
        if (MediaType.sniff(head).orElse(null) != MediaType.GIF) {
            throw new MediaDecodeException("expected a GIF (GIF87a or GIF89a), got " + MediaType.describeHead(head));
        }
        DecodeDeadline deadline = DecodeDeadline.start("GIF decoding", limits);
        FrameCollector frames = new FrameCollector(width, height);
        ImageReader reader = ImageCodec.readerFor("gif");
        try (ByteBufferImageInputStream input = new ByteBufferImageInputStream(gif)) {
            reader.setInput(input, false, false);
            int frameCount = reader.getNumImages(true); // walks the block structure, decodes no pixels
            if (frameCount <= 0) {
                throw new MediaDecodeException("malformed GIF: it contains no image");
            }
            limits.checkFrames("GIF", frameCount);
            List<GifFrameInfo> infos = new ArrayList<>(frameCount);
            long frameArea = 0;
            for (int i = 0; i < frameCount; i++) {
                GifFrameInfo info = GifFrameInfo.read(reader.getImageMetadata(i).getAsTree(IMAGE_FORMAT));
                limits.checkSize("GIF frame " + i, info.width(), info.height());
                frameArea += (long) info.width() * info.height();
                infos.add(info);
                deadline.check();
            }
            int[] screen = logicalScreen(reader.getStreamMetadata(), infos.get(0));
            limits.checkSize("GIF logical screen", screen[0], screen[1]);
            limits.checkPixels("GIF animation", frameCount, screen[0], screen[1]);
            limits.checkPixels("GIF frames", 1, frameArea, 1);
            int totalDelay = infos.stream().mapToInt(GifFrameInfo::delayCentiseconds).sum();
            double fps = totalDelay == 0 ? DEFAULT_FPS : 100.0 * frameCount / totalDelay;
            limits.checkDuration("GIF animation", frameCount / fps);
            composite(reader, infos, RgbImage.blank(screen[0], screen[1]), frames, deadline);
            return new VideoClip(frames.frames(), fps);
        } catch (DecodeDeadline.Expired e) {
            throw e.decodeException();
        } catch (IOException | RuntimeException e) {
            throw new MediaDecodeException("malformed GIF: " + ImageCodec.describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    /** The logical screen size; files that declare 0 fall back to the first frame's extent. */
    private static int[] logicalScreen(IIOMetadata streamMetadata, GifFrameInfo first) {
        if (streamMetadata != null) {
            var nodes = ((IIOMetadataNode) streamMetadata.getAsTree(STREAM_FORMAT))
                    .getElementsByTagName("LogicalScreenDescriptor");
            if (nodes.getLength() > 0) {
                IIOMetadataNode descriptor = (IIOMetadataNode) nodes.item(0);
                int width = Integer.parseInt(descriptor.getAttribute("logicalScreenWidth"));
                int height = Integer.parseInt(descriptor.getAttribute("logicalScreenHeight"));
                if (width > 0 && height > 0) {
                    return new int[] {width, height};
                }
            }
        }
        return new int[] {first.left() + first.width(), first.top() + first.height()};
    }

    /**
     * Draws each frame onto the one canvas and hands the canvas to {@code frames} (which copies or
     * resamples it). "Restore to previous" saves only the area the frame covers, not the canvas.
     */
    private static void composite(ImageReader reader, List<GifFrameInfo> infos, RgbImage canvas,
            FrameCollector frames, DecodeDeadline deadline) throws IOException, MediaDecodeException {
        for (int i = 0; i < infos.size(); i++) {
            GifFrameInfo info = infos.get(i);
            byte[] beforeFrame = info.disposal() == GifFrameInfo.Disposal.RESTORE_PREVIOUS
                    ? copyArea(canvas, info, null) : null;
            draw(ImageReads.read(reader, i, null, deadline), info, canvas, deadline);
            frames.add(canvas, true);
            switch (info.disposal()) {
                case RESTORE_BACKGROUND -> clear(canvas, info);
                case RESTORE_PREVIOUS -> copyArea(canvas, info, beforeFrame);
                default -> { } // none / do not dispose: the next frame draws over this one
            }
            deadline.check();
        }
    }

    /** With {@code restore} null, returns the frame's area of the canvas; otherwise writes it back. */
    private static byte[] copyArea(RgbImage canvas, GifFrameInfo info, byte[] restore) {
        int left = Math.min(info.left(), canvas.width());
        int right = Math.min(canvas.width(), info.left() + info.width());
        int top = Math.min(info.top(), canvas.height());
        int bottom = Math.min(canvas.height(), info.top() + info.height());
        int rowBytes = (right - left) * 3;
        byte[] area = restore != null ? restore : new byte[rowBytes * (bottom - top)];
        for (int y = top; y < bottom; y++) {
            int canvasOffset = (y * canvas.width() + left) * 3;
            int areaOffset = (y - top) * rowBytes;
            if (restore == null) {
                System.arraycopy(canvas.pixels(), canvasOffset, area, areaOffset, rowBytes);
            } else {
                System.arraycopy(area, areaOffset, canvas.pixels(), canvasOffset, rowBytes);
            }
        }
        return area;
    }

    /** Opaque pixels replace the canvas; transparent ones (alpha 0) let it show through. */
    private static void draw(BufferedImage frame, GifFrameInfo info, RgbImage canvas, DecodeDeadline deadline)
            throws MediaDecodeException {
        int visibleWidth = Math.max(0, Math.min(frame.getWidth(), canvas.width() - info.left()));
        int[] row = new int[visibleWidth];
        for (int y = 0; y < frame.getHeight() && visibleWidth > 0; y++) {
            int canvasY = info.top() + y;
            if (canvasY >= canvas.height()) {
                break;
            }
            frame.getRGB(0, y, visibleWidth, 1, row, 0, visibleWidth);
            deadline.check();
            for (int x = 0; x < visibleWidth; x++) {
                int canvasX = info.left() + x;
                int argb = row[x];
                if (argb >>> 24 != 0) {
                    canvas.set(canvasX, canvasY, argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF);
                }
            }
        }
    }

    /** Restore to background: browsers make the area transparent, which over our backdrop is black. */
    private static void clear(RgbImage canvas, GifFrameInfo info) {
        for (int y = info.top(); y < Math.min(canvas.height(), info.top() + info.height()); y++) {
            for (int x = info.left(); x < Math.min(canvas.width(), info.left() + info.width()); x++) {
                canvas.set(x, y, 0, 0, 0);
            }
        }
    }
}
