package dev.billing.http;

import io.javalin.http.Context;

/** Planted for {@code HttpArchitectureTest}: a handler outside the Javalin binding that reads Javalin's context. */
final class PlantedJavalinUse {
    String path(Context ctx) {
        return ctx.path();
    }
}
