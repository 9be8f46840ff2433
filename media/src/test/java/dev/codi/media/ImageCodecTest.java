package dev.codi.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageCodecTest {
    @Test
    void pngRoundTripIsExact() throws Exception {
        RgbImage image = TestMedia.randomImage(37, 23, 42);

        RgbImage decoded = ImageCodec.decode(ImageCodec.encodePng(image));

        assertThat(decoded.width()).isEqualTo(37);
        assertThat(decoded.height()).isEqualTo(23);
        assertThat(decoded.pixels()).isEqualTo(image.pixels());
    }

    @Test
    void alphaIsCompositedOnBlack() throws Exception {
        BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x80FF0000); // red at alpha 128/255
        rgba.setRGB(1, 0, 0x00FFFFFF); // fully transparent white

        RgbImage decoded = ImageCodec.decode(write(rgba, "png"));

        assertThat(new int[] {decoded.channel(0, 0, 0), decoded.channel(0, 0, 1)}).containsExactly(128, 0);
        assertThat(decoded.channel(1, 0, 0)).isZero();
    }

    @Test
    void grayscalePngKeepsItsValues() throws Exception {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 20);
        gray.getRaster().setSample(1, 0, 0, 200);

        RgbImage decoded = ImageCodec.decode(write(gray, "png"));

        // Through getRGB AWT would brighten 20 to ~78 (linear gray -> sRGB); PNG gray is display-referred.
        assertThat(new int[] {decoded.channel(0, 0, 0), decoded.channel(0, 0, 2), decoded.channel(1, 0, 1)})
                .containsExactly(20, 20, 200);
    }

    @Test
    void jpegDecodesApproximately() throws Exception {
        RgbImage square = TestMedia.squareAt(32, 32, 8, 8, 16);

        RgbImage decoded = ImageCodec.decode(write(BufferedImages.toBufferedImage(square), "jpeg"));

        assertThat(TestMedia.redCentroidX(decoded)).isBetween(14.5, 16.5);
        assertThat(TestMedia.meanAbsoluteError(square, decoded)).isLessThan(8);
    }

    @Test
    void oversizedIhdrIsRefusedBeforeAnyPixelData() {
        // Signature + IHDR for 9000x9000 and no image data at all: only the header can be read.
        byte[] png = pngHeaderOnly(9000, 9000);

        assertThatThrownBy(() -> ImageCodec.decode(png))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessage("PNG image is 9000x9000, larger than the 4096x4096 limit");
    }

    @Test
    void otherFormatsAreNamedInTheError() {
        assertThatThrownBy(() -> ImageCodec.decode("GIF89a...".getBytes()))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageStartingWith("expected PNG or JPEG, got bytes starting 0x47 0x49 0x46");
    }

    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteBuffer png = ByteBuffer.allocate(8 + 12 + 13);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put("IHDR".getBytes()).put(ihdr.array());
        CRC32 crc = new CRC32(); // PNG §5.3: CRC over chunk type and data
        crc.update("IHDR".getBytes());
        crc.update(ihdr.array());
        png.putInt((int) crc.getValue());
        return png.array();
    }

    static byte[] write(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, bytes)).isTrue();
        return bytes.toByteArray();
    }
}
