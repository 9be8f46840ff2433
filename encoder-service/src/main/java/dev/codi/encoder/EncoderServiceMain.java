package dev.codi.encoder;

import dev.codi.protocol.stage.StandaloneService;

/** encoder-service as its own process; configuration from CODI_* environment variables. */
public final class EncoderServiceMain {
    private EncoderServiceMain() {
    }

    public static void main(String[] args) {
        StandaloneService.run("encoder-service", EncoderVerticle::new);
    }
}
