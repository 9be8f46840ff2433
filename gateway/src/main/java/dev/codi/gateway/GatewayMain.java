package dev.codi.gateway;

import dev.codi.protocol.stage.StandaloneService;

/** The gateway as its own process; configuration from CODI_* environment variables. */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) {
        StandaloneService.run("gateway", GatewayVerticle::new);
    }
}
