package io.orderpipeline.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A current ClickHouse engine (chdb from npm, run in a Node process by scripts/chdb/run-sql.js) to
 * prove that SQL written for Debian's 18.16 server also runs on the ClickHouse users deploy.
 * `make chdb` (part of `make test`) installs it.
 */
public final class Chdb {

    private Chdb() {
    }

    /** Runs a whole script and returns what its queries printed, tab-separated, in order. */
    public static String run(String script) throws IOException, InterruptedException {
        return run(Files.createTempDirectory("chdb-it-"), script);
    }

    /** The same in a session whose tables and views stay in the given folder, for the next script. */
    public static String run(Path session, String script) throws IOException, InterruptedException {
        Path runner = LocalStack.projectFile("scripts/chdb/run-sql.js");
        if (!Files.isDirectory(runner.resolveSibling("node_modules/chdb"))) {
            throw new IllegalStateException("chdb is not installed: run `make chdb` (npm install in scripts/chdb)");
        }
        Process node = new ProcessBuilder("node", runner.toString(), session.toString())
                .redirectErrorStream(true).start();
        node.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(120, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            throw new IllegalStateException("chdb did not finish in 120 s");
        }
        if (node.exitValue() != 0) {
            throw new IllegalStateException("chdb failed (exit " + node.exitValue() + "):\n" + out);
        }
        return out;
    }
}
