package io.orderpipeline.platform;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.system.ApplicationHome;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Points Camel at the YAML routes in the top-level {@code routes/} folder, whatever directory the
 * app was started from. Camel's own setting only takes a path relative to the working directory,
 * so this finds the folder once, before Camel starts: {@code ROUTES_DIR} (or {@code app.routes.dir})
 * wins; otherwise the nearest {@code routes/} above the working directory or above the app's own
 * jar or classes folder.
 */
public class RoutesDirectory implements EnvironmentPostProcessor {

    static final String DIR_PROPERTY = "app.routes.dir";
    static final String PATTERN_PROPERTY = "camel.main.routes-include-pattern";
    static final String ROUTE_FILES = "*.camel.yaml";

    private final Log log;

    public RoutesDirectory(DeferredLogFactory logs) {
        this.log = logs.getLog(RoutesDirectory.class);
    }

    RoutesDirectory() {
        this.log = LogFactory.getLog(RoutesDirectory.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (env.containsProperty(PATTERN_PROPERTY)) {
            return; // set explicitly: respect it
        }
        String configured = env.getProperty(DIR_PROPERTY, env.getProperty("ROUTES_DIR", ""));
        Path dir = StringUtils.hasText(configured)
                ? Path.of(configured).toAbsolutePath().normalize()
                : find().orElse(null);
        if (dir == null) {
            log.warn("No routes/ folder with " + ROUTE_FILES + " files found; set ROUTES_DIR to load YAML routes");
            return; // the Java routes still run
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("Routes directory " + dir + " (from " + DIR_PROPERTY
                    + " or ROUTES_DIR) does not exist");
        }
        log.info("YAML routes from " + dir + "/" + ROUTE_FILES);
        env.getPropertySources().addFirst(new MapPropertySource("routesDirectory", Map.of(
                DIR_PROPERTY, dir.toString(),
                PATTERN_PROPERTY, "file:" + dir + "/" + ROUTE_FILES)));
    }

    static Optional<Path> find() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        codeLocation().ifPresent(starts::add);
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path candidate = p.resolve("routes");
                if (hasRouteFiles(candidate)) {
                    return Optional.of(candidate.normalize());
                }
            }
        }
        return Optional.empty();
    }

    private static boolean hasRouteFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ROUTE_FILES)) {
            return files.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> codeLocation() {
        // ApplicationHome knows where a class lives, in a plain folder or inside a Boot fat jar.
        java.io.File home = new ApplicationHome(RoutesDirectory.class).getDir();
        return Optional.ofNullable(home).map(java.io.File::toPath);
    }
}
