package dev.codi.media;

import org.w3c.dom.Node;

/**
 * What the GIF image descriptor and Graphic Control Extension (GIF89a §20, §23) say about one
 * frame, read from ImageIO's "javax_imageio_gif_image_1.0" metadata tree.
 */
record GifFrameInfo(int left, int top, int width, int height, Disposal disposal, int delayCentiseconds) {
    enum Disposal { NONE, RESTORE_BACKGROUND, RESTORE_PREVIOUS }

    GifFrameInfo {
        if (left < 0 || top < 0 || delayCentiseconds < 0) {
            throw new IllegalArgumentException("negative GIF frame offset or delay");
        }
    }

    static GifFrameInfo read(Node root) {
        int left = 0;
        int top = 0;
        int width = 0;
        int height = 0;
        Disposal disposal = Disposal.NONE;
        int delay = 0;
        for (Node node = root.getFirstChild(); node != null; node = node.getNextSibling()) {
            if ("ImageDescriptor".equals(node.getNodeName())) {
                left = intAttribute(node, "imageLeftPosition");
                top = intAttribute(node, "imageTopPosition");
                width = intAttribute(node, "imageWidth");
                height = intAttribute(node, "imageHeight");
            } else if ("GraphicControlExtension".equals(node.getNodeName())) {
                disposal = switch (node.getAttributes().getNamedItem("disposalMethod").getNodeValue()) {
                    case "restoreToBackgroundColor" -> Disposal.RESTORE_BACKGROUND;
                    case "restoreToPrevious" -> Disposal.RESTORE_PREVIOUS;
                    default -> Disposal.NONE; // "none", "doNotDispose", and reserved values
                };
                delay = intAttribute(node, "delayTime");
            }
        }
        return new GifFrameInfo(left, top, width, height, disposal, delay);
    }

    private static int intAttribute(Node node, String name) {
        return Integer.parseInt(node.getAttributes().getNamedItem(name).getNodeValue());
    }
}
