package dev.codi.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.api.transcode.PixelStore;
import org.jcodec.api.transcode.SinkImpl;
import org.jcodec.api.transcode.VideoFrameWithPacket;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.Format;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;

/**
 * MP4 with one H.264 video track (jcodec's pure-Java Baseline-profile encoder, 4:2:0 =
 * yuv420p), moov first so browsers can start playing at once; decoding through jcodec's
 * {@link FrameGrab}.
 */
public final class Mp4Codec {
    /** Frame rates that are not whole numbers are stored with this timescale (ticks per second). */
    private static final int FRACTIONAL_TIMESCALE = 1000;
    private static final double DEFAULT_FPS = 25.0;
    private Mp4Codec() {
    }

    /**
     * Any frame size works: H.264 codes 16x16 macroblocks and the SPS crops the padding away, but
     * 4:2:0 crops in steps of 2 pixels, so an odd width or height is padded by repeating the last
     * column or row and decodes one pixel larger.
     */
    public static byte[] encode(VideoClip clip) {
        int[] timing = timing(clip.framesPerSecond());
        int timescale = timing[0];
        int ticksPerFrame = timing[1];
        GrowableByteChannel channel = new GrowableByteChannel();
        try {
            SinkImpl sink = SinkImpl.createWithStream(channel, Format.MOV, Codec.H264, null);
            sink.init();
            for (int i = 0; i < clip.frames().size(); i++) {
                Picture yuv = toYuv420(clip.frames().get(i));
                Packet timingOnly = Packet.createPacket(null, (long) i * ticksPerFrame, timescale, ticksPerFrame, i,
                        Packet.FrameType.KEY, null);
                sink.outputVideoFrame(new VideoFrameWithPacket(timingOnly, new PixelStore.LoanerPicture(yuv, 0)));
            }
            sink.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("writing an MP4 to memory failed", e);
        }
        return withoutTimestamps(Mp4FastStart.apply(channel.toByteArray()));
    }

    /**
     * Sets the creation and modification times of the movie, its tracks and their media (mvhd,
     * tkhd, mdhd; ISO/IEC 14496-12 §8.2.2, §8.3.2, §8.4.2) to 0: jcodec writes the wall clock
     * there, and an artifact must be the same bytes whenever its job is sampled and decoded again
     * (a job redone after a crash overwrites its artifacts, and its sha256 must still hold).
     */
    static byte[] withoutTimestamps(byte[] mp4) {
        clearTimestamps(ByteBuffer.wrap(mp4), 0, mp4.length);
        return mp4;
    }

    private static void clearTimestamps(ByteBuffer buffer, int start, int end) {
        for (Mp4Boxes.Box box : Mp4Boxes.children(buffer, start, end, false)) {
            if (Mp4Boxes.CONTAINERS.contains(box.type())) {
                clearTimestamps(buffer, box.bodyOffset(), box.end());
            } else if (box.type().equals("mvhd") || box.type().equals("tkhd") || box.type().equals("mdhd")) {
                int version = buffer.get(box.bodyOffset()) & 0xff;
                int times = box.bodyOffset() + 4; // after the version (1 byte) and the flags (3)
                int width = version == 1 ? 8 : 4;
                for (int i = 0; i < 2 * width; i++) {
                    buffer.put(times + i, (byte) 0);
                }
            }
        }
    }

    /** {timescale, ticks per frame}: whole rates exactly (8 fps = 8/1), others in milliseconds. */
    private static int[] timing(double fps) {
        if (fps == Math.rint(fps) && fps <= Integer.MAX_VALUE) {
            return new int[] {(int) fps, 1};
        }
        return new int[] {(int) Math.round(fps * FRACTIONAL_TIMESCALE), FRACTIONAL_TIMESCALE};
    }

    /**
     * jcodec's encoder accepts only pictures labelled YUV420J and does not signal the range, so
     * we fill it with BT.601 limited-range values ourselves — what players assume (see {@link Bt601}).
     * Planes hold {@code value - 128} as signed bytes (jcodec's convention).
     */
    private static Picture toYuv420(RgbImage frame) {
        int width = frame.width() + (frame.width() & 1);
        int height = frame.height() + (frame.height() & 1);
        Picture picture = Picture.create(width, height, ColorSpace.YUV420J);
        byte[] luma = picture.getPlaneData(0);
        byte[] cb = picture.getPlaneData(1);
        byte[] cr = picture.getPlaneData(2);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int sx = Math.min(x, frame.width() - 1);
                int sy = Math.min(y, frame.height() - 1);
                luma[y * width + x] = (byte) (Bt601.luma(frame.channel(sx, sy, 0), frame.channel(sx, sy, 1),
                        frame.channel(sx, sy, 2)) - 128);
            }
        }
        int chromaWidth = width / 2;
        for (int by = 0; by < height / 2; by++) {
            for (int bx = 0; bx < chromaWidth; bx++) {
                double[] mean = blockMean(frame, bx * 2, by * 2);
                cb[by * chromaWidth + bx] = (byte) (Bt601.blueDifference(mean[0], mean[1], mean[2]) - 128);
                cr[by * chromaWidth + bx] = (byte) (Bt601.redDifference(mean[0], mean[1], mean[2]) - 128);
            }
        }
        return picture;
    }

    /** Mean RGB of the 2x2 block at (x0, y0), edge pixels repeated past an odd border. */
    private static double[] blockMean(RgbImage frame, int x0, int y0) {
        double[] sum = new double[3];
        for (int dy = 0; dy < 2; dy++) {
            for (int dx = 0; dx < 2; dx++) {
                int x = Math.min(x0 + dx, frame.width() - 1);
                int y = Math.min(y0 + dy, frame.height() - 1);
                for (int c = 0; c < 3; c++) {
                    sum[c] += frame.channel(x, y, c) / 4.0;
                }
            }
        }
        return sum;
    }

    public static VideoClip decode(byte[] mp4) throws MediaDecodeException {
        return decode(mp4, MediaLimits.defaults());
    }

    /** Every frame at its source size; see {@link #decode(ByteBuffer, MediaLimits, int, int)}. */
    public static VideoClip decode(byte[] mp4, MediaLimits limits) throws MediaDecodeException {
        return decode(ByteBuffer.wrap(mp4), limits, 0, 0);
    }

    /**
     * The frames of the first video track (H.264 only) in decode order, each resampled to
     * {@code width x height} as soon as it is decoded (0 x 0 keeps the source size). The SPS
     * picture size, the sample count, the track duration and the pixel budget are checked against
     * {@code limits} first, and the slice headers jcodec would trust by {@link H264SliceCheck}.
     * All of jcodec's work runs on an {@link IsolatedDecoder} thread under the deadline.
     */
    public static VideoClip decode(ByteBuffer mp4, MediaLimits limits, int width, int height)
            throws MediaDecodeException {
        byte[] head = MediaType.head(mp4);
        if (MediaType.sniff(head).orElse(null) != MediaType.MP4) {
            throw new MediaDecodeException("expected an MP4 (an 'ftyp' box at byte 4), got " + MediaType.describeHead(head));
        }
        DecodeDeadline deadline = DecodeDeadline.start("MP4 decoding", limits);
        Mp4Validator.validate(mp4);
        // Everything jcodec does, opening the file included, runs under the deadline on an isolated thread.
        return IsolatedDecoder.run("MP4 decoding", deadline, () -> decodeIsolated(mp4, limits, width, height, deadline));
    }

    private static VideoClip decodeIsolated(ByteBuffer mp4, MediaLimits limits, int width, int height,
            DecodeDeadline deadline) throws MediaDecodeException {
        FrameGrab grab;
        DemuxerTrackMeta meta;
        Size size;
        try {
            grab = FrameGrab.createFrameGrab(new ByteBufferSeekableByteChannel(mp4.duplicate().position(0), mp4.limit()));
            size = grab.getMediaInfo().getDim(); // from the SPS
            meta = grab.getVideoTrack().getMeta();
        } catch (IOException | JCodecException | RuntimeException e) {
            throw new MediaDecodeException("malformed or unsupported MP4: " + ImageCodec.describe(e), e);
        }
        limits.checkSize("MP4 video", size.getWidth(), size.getHeight());
        limits.checkFrames("MP4 video", meta.getTotalFrames());
        limits.checkDuration("MP4 video", meta.getTotalDuration());
        limits.checkPixels("MP4 video", meta.getTotalFrames(), size.getWidth(), size.getHeight());
        H264SliceCheck.check(mp4, deadline);
        FrameCollector frames = new FrameCollector(width, height);
        decodeFrames(grab, limits, size, frames, deadline);
        double seconds = meta.getTotalDuration();
        return new VideoClip(frames.frames(), seconds > 0 ? frames.size() / seconds : DEFAULT_FPS);
    }

    private static void decodeFrames(FrameGrab grab, MediaLimits limits, Size size, FrameCollector frames,
            DecodeDeadline deadline) throws MediaDecodeException {
        try {
            for (Picture picture = grab.getNativeFrame(); picture != null; picture = grab.getNativeFrame()) {
                limits.checkFrames("MP4 video", frames.size() + 1L);
                limits.checkPixels("MP4 video", frames.size() + 1L, size.getWidth(), size.getHeight());
                frames.add(toRgb(picture), false);
                deadline.check();
            }
            if (frames.size() == 0) {
                throw new MediaDecodeException("MP4 video track has no decodable frame");
            }
        } catch (IOException | RuntimeException e) {
            throw new MediaDecodeException("malformed or unsupported MP4: " + ImageCodec.describe(e), e);
        }
    }

    /** The visible (cropped) area of a decoded 4:2:0 picture as RGB. */
    private static RgbImage toRgb(Picture picture) {
        if (picture.getColor() != ColorSpace.YUV420 && picture.getColor() != ColorSpace.YUV420J) {
            throw new IllegalArgumentException("unsupported decoded colour space " + picture.getColor());
        }
        boolean fullRange = picture.getColor() == ColorSpace.YUV420J;
        int width = picture.getCroppedWidth();
        int height = picture.getCroppedHeight();
        int left = picture.getStartX();
        int top = picture.getStartY();
        int lumaStride = picture.getPlaneWidth(0);
        int chromaStride = picture.getPlaneWidth(1);
        byte[] luma = picture.getPlaneData(0);
        byte[] cb = picture.getPlaneData(1);
        byte[] cr = picture.getPlaneData(2);
        RgbImage out = RgbImage.blank(width, height);
        int[] rgb = new int[3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int px = left + x;
                int py = top + y;
                int chroma = (py / 2) * chromaStride + px / 2;
                Bt601.toRgb(luma[py * lumaStride + px] + 128, cb[chroma] + 128, cr[chroma] + 128, fullRange, rgb);
                out.set(x, y, rgb[0], rgb[1], rgb[2]);
            }
        }
        return out;
    }
}
