package dev.codi.diffusion;

import dev.codi.protocol.stage.StandaloneService;

/** diffusion-service as its own process; configuration from CODI_* environment variables. */
public final class DiffusionServiceMain {
    private DiffusionServiceMain() {
    }

    public static void main(String[] args) {
        StandaloneService.run("diffusion-service", DiffusionVerticle::new);
    }
}
