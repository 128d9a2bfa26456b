package io.orderpipeline.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.orderpipeline.platform.LocalStack;

/**
 * The packaged app as a child process, the way users run it (`java -jar`), for the benchmarks and
 * the reliability suite: started with environment overrides, ready when /actuator/health says UP,
 * stopped with SIGTERM or killed with SIGKILL. Started, as make demo does, on the java and from the
 * extracted jar with its AOT cache or class archive that scripts/local/cds.sh prepared for this build.
 */
public final class AppProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final URI url;
    private final Path log;
    private final Map<String, String> env;
    private final boolean classArchive;

    private AppProcess(String name, Process process, URI url, Path log, Map<String, String> env, boolean classArchive) {
        this.name = name;
        this.process = process;
        this.url = url;
        this.log = log;
        this.env = env;
        this.classArchive = classArchive;
    }

    /** The same app (name, environment, log, launch) started again, after a stop or a kill. */
    public AppProcess restart() throws IOException, InterruptedException {
        return start(name, env, log.getParent(), classArchive);
    }

    /** Starts the app and waits (at most 120 s) until it is healthy. */
    public static AppProcess start(String name, Map<String, String> env, Path logDir) throws IOException, InterruptedException {
        return start(name, env, logDir, true);
    }

    /**
     * As {@link #start(String, Map, Path)}; with classArchive false from the packaged jar itself, as
     * before there was a class archive (make bench's restart stage compares the two).
     */
    public static AppProcess start(String name, Map<String, String> env, Path logDir, boolean classArchive)
            throws IOException, InterruptedException {
        String port = env.getOrDefault("SERVER_PORT", LocalStack.env("SERVER_PORT", "8080"));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> launch = launch(!classArchive);
        List<String> command = new ArrayList<>(List.of(launch.get(0)));
        String jfr = System.getenv("BENCH_JFR");
        if (jfr != null && !jfr.isBlank() && !jfr.equals("0")) {
            // JFR keeps 64 frames by default; a request's stack (Tomcat, filters, Spring MVC, the route,
            // JDBC) is deeper, and a cut stack loses the layers a profile should tell apart.
            command.add("-XX:FlightRecorderOptions=stackdepth=256");
            command.add("-XX:StartFlightRecording=filename=" + logDir.resolve(name + ".jfr") + ",settings=profile,dumponexit=true");
        }
        command.addAll(launch.subList(1, launch.size()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().put("SERVER_PORT", port);
        AppProcess app = new AppProcess(name, builder.start(), URI.create("http://127.0.0.1:" + port), log, env, classArchive);
        app.awaitHealthy(Duration.ofSeconds(120));
        return app;
    }

    /**
     * The command scripts/local/cds.sh gives (the java, then its arguments), so the harness starts
     * what make demo starts: the extracted jar with its AOT cache or class archive when prepared for
     * this jar and java, else the packaged jar (always, with jarAlone, on the java on the PATH).
     */
    public static List<String> launch(boolean jarAlone) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("scripts/local/cds.sh", "launch"));
        if (jarAlone) {
            command.add("--jar-alone");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines;
        try (var out = p.inputReader()) {
            lines = out.lines().toList();
        }
        if (p.waitFor() != 0 || lines.isEmpty()) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + String.join("\n", lines));
        }
        return lines;
    }

    public URI url() {
        return url;
    }

    public long pid() {
        return process.pid();
    }

    public boolean healthy() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url.resolve("/actuator/health"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().startsWith("{\"status\":\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!healthy()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("app '" + name + "' exited with " + process.exitValue() + "; read " + log);
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("app '" + name + "' not healthy after " + timeout.toSeconds() + " s; read " + log);
            }
            Thread.sleep(200);
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited within 90 s (the app's own drain takes up to 60 s). */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** SIGKILL: no shutdown hook, no drain, as a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
