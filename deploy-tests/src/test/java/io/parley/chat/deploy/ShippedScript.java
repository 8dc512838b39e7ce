package io.parley.chat.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * A script as an overlay ships it (the files of a rendered ConfigMap, written to a folder), run by
 * {@code sh} against stand-ins for the store's command-line tools (deploy-tests/src/test/resources/
 * stand-ins), with Secrets as the Job mounts them: one folder per service, one file per key.
 */
final class ShippedScript {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    ShippedScript(String overlay, String configMap, Path dir) {
        this.dir = dir;
        Overlays.configMap(overlay, configMap).forEach((file, content) -> write(dir.resolve("config").resolve(file), content));
    }

    /** The shipped file of that name (acls.txt, the script). */
    Path config(String file) {
        return dir.resolve("config").resolve(file);
    }

    /** Copies stand-ins into bin/ and returns that folder. */
    Path standIns(String... tools) {
        for (String tool : tools) {
            Path target = dir.resolve("bin").resolve(tool);
            write(target, Repo.read("deploy-tests/src/test/resources/stand-ins/" + tool));
            target.toFile().setExecutable(true);
        }
        return dir.resolve("bin");
    }

    /** Writes (or, with a null value, removes) keys of a Secret as the Job mounts it, below credentials/&lt;service&gt;. */
    Path secret(String service, Map<String, String> keys) {
        Path folder = dir.resolve("credentials").resolve(service);
        keys.forEach((key, value) -> {
            if (value == null) {
                folder.resolve(key).toFile().delete();
            } else {
                write(folder.resolve(key), value);
            }
        });
        return dir.resolve("credentials");
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    Repo.Result run(String script, Map<String, String> environment) {
        return Repo.run(java.util.List.of("sh", config(script).toString()), environment);
    }

    /** A password of the kind docs/operations.md has operators make: 32 random bytes in hex. */
    static String password() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
