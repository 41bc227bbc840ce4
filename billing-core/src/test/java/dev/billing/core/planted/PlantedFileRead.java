package dev.billing.core.planted;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Planted for CoreArchitectureTest: file I/O the core must never do. Not production code. */
public final class PlantedFileRead {
    private PlantedFileRead() {}

    static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
