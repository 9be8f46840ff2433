package dev.codi.gateway.auth;

import dev.codi.gateway.http.Problem;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * Authenticates {@code Authorization: Bearer <key>} (RFC 6750 §2.1) and records the key's owner
 * on the request. A missing or unknown key is a 401 problem with the {@code WWW-Authenticate}
 * challenge RFC 6750 §3 asks for.
 */
public final class BearerAuth {
    private static final String OWNER = "codi.owner";
    private static final String SCHEME = "bearer ";
    private static final String REALM = "codi";

    private final ApiKeys keys;

    public BearerAuth(ApiKeys keys) {
        this.keys = keys;
    }

    public void handle(RoutingContext context) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null) {
            throw unauthorized(null, "send your API key as 'Authorization: Bearer <key>'");
        }
        if (!authorization.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            throw unauthorized("invalid_request", "the Authorization header must use the Bearer scheme: 'Authorization: Bearer <key>'");
        }
        String key = authorization.substring(SCHEME.length()).strip();
        String owner = keys.authenticate(key).orElseThrow(() ->
                unauthorized("invalid_token", "the API key is not valid; check it or ask the operator for one"));
        context.put(OWNER, owner);
        context.next();
    }

    /** The owner id of the authenticated key of this request. */
    public static String owner(RoutingContext context) {
        String owner = context.get(OWNER);
        if (owner == null) {
            throw new IllegalStateException("route is not behind BearerAuth");
        }
        return owner;
    }

    private static Problem unauthorized(String error, String detail) {
        String challenge = "Bearer realm=\"" + REALM + "\"" + (error == null ? "" : ", error=\"" + error + "\"");
        return new Problem(401, "/problems/unauthorized", "Missing or invalid API key", detail)
                .header("WWW-Authenticate", challenge);
    }
}
