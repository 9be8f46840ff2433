package dev.codi.gateway;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The browser side of the gateway, served without a key (the page asks for one and sends it on
 * every {@code /v1} call): the playground at {@code /} from the {@code playground} resources, and
 * the API reference at {@code /docs/}, Swagger UI from its webjar rendering {@code /openapi.yaml}.
 * No build step: plain HTML, CSS and JavaScript modules.
 */
final class Playground {
    /** Where the swagger-ui webjar keeps its files: the version is the gateway pom's (PlaygroundTest checks it). */
    static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/5.35.0";

    private Playground() {
    }

    /** Registered after the API routes: a path no file answers falls through to the router's 404. */
    static void serve(Router router) {
        router.routeWithRegex("^/docs$").handler(context -> context.redirect("/docs/"));
        router.route("/docs/swagger-ui/*").handler(StaticHandler.create(SWAGGER_UI));
        // The page's modules revalidate on every load, so a new gateway never serves a mix of old and new
        // scripts; the webjar's files are versioned by their path and cached.
        router.route().handler(StaticHandler.create("playground").setIndexPage("index.html").setCachingEnabled(false));
    }
}
