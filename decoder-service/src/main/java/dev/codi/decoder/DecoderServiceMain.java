package dev.codi.decoder;

import dev.codi.protocol.stage.StandaloneService;

/** decoder-service as its own process; configuration from CODI_* environment variables. */
public final class DecoderServiceMain {
    private DecoderServiceMain() {
    }

    public static void main(String[] args) {
        StandaloneService.run("decoder-service", DecoderVerticle::new);
    }
}
