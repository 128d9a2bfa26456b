package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class RoutesDirectoryTest {

    @Test
    void explicitDirectoryBecomesCamelsIncludePattern(@TempDir Path dir) {
        StandardEnvironment env = envWith(Map.of("app.routes.dir", dir.toString()));

        new RoutesDirectory().postProcessEnvironment(env, null);

        assertThat(env.getProperty("camel.main.routes-include-pattern"))
                .isEqualTo("file:" + dir.toAbsolutePath() + "/*.camel.yaml");
    }

    @Test
    void missingExplicitDirectoryFailsStartupWithItsName(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        StandardEnvironment env = envWith(Map.of("ROUTES_DIR", missing.toString()));

        assertThatThrownBy(() -> new RoutesDirectory().postProcessEnvironment(env, null))
                .hasMessageContaining(missing.toString());
    }

    @Test
    void withoutSettingTheRepositoryRoutesFolderIsFound() {
        StandardEnvironment env = envWith(Map.of());

        new RoutesDirectory().postProcessEnvironment(env, null);

        Path expected = LocalStack.projectFile("routes").toAbsolutePath().normalize();
        assertThat(env.getProperty("app.routes.dir")).isEqualTo(expected.toString());
        assertThat(Files.exists(expected.resolve("heartbeat.camel.yaml"))).isTrue();
    }

    @Test
    void anExplicitCamelPatternIsLeftAlone() {
        StandardEnvironment env = envWith(Map.of("camel.main.routes-include-pattern", "classpath:x/*.yaml"));

        new RoutesDirectory().postProcessEnvironment(env, null);

        assertThat(env.getProperty("camel.main.routes-include-pattern")).isEqualTo("classpath:x/*.yaml");
    }

    private static StandardEnvironment envWith(Map<String, Object> values) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        env.getPropertySources().addFirst(new MapPropertySource("test", values));
        return env;
    }
}
