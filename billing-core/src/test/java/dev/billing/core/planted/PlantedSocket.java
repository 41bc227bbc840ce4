package dev.billing.core.planted;

import java.io.IOException;
import java.net.Socket;

/** Planted for CoreArchitectureTest: network access the core must never do. Not production code. */
public final class PlantedSocket {
    private PlantedSocket() {}

    static Socket open(String host) throws IOException {
        return new Socket(host, 443);
    }
}
