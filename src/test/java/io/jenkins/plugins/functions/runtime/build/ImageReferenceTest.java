package io.jenkins.plugins.functions.runtime.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.functions.spec.SpecException;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    @Test
    void readsRegistryRepositoryAndTagAsDockerDoes() throws Exception {
        ImageReference harbor = ImageReference.parse("image", "harbor.example.com:8443/team/web:1.0");
        assertThat(harbor.registry()).isEqualTo("harbor.example.com:8443");
        assertThat(harbor.repository()).isEqualTo("team/web");
        assertThat(harbor.tag()).isEqualTo("1.0");
        assertThat(harbor.withDigest("sha256:ab")).isEqualTo("harbor.example.com:8443/team/web:1.0@sha256:ab");
        assertThat(harbor.authKey()).isEqualTo("harbor.example.com:8443");
        assertThat(harbor.shortName()).isEqualTo("web");

        ImageReference hub = ImageReference.parse("image", "ada/tools");
        assertThat(hub.name()).isEqualTo("docker.io/ada/tools:latest");
        assertThat(hub.authKey()).isEqualTo("https://index.docker.io/v1/");
        assertThat(ImageReference.parse("image", "web:2").name()).isEqualTo("docker.io/library/web:2");
        assertThat(ImageReference.parse("image", "localhost:5000/web").name()).isEqualTo("localhost:5000/web:latest");
    }

    @Test
    void refusesWhatIsNotAPushableReferenceNamingFieldValueAndGrammar() {
        for (String bad : new String[] {"", "Team/Web:1", "registry.example.com/web:1@sha256:abc", "web:-x",
                "web::1", "registry.example.com/web app", "-web", "web:" + "t".repeat(129), "registry.example.com/"}) {
            assertThatThrownBy(() -> ImageReference.parse("image", bad)).as(bad)
                    .isInstanceOfSatisfying(SpecException.class, e -> {
                        assertThat(e.getField()).isEqualTo("image");
                        assertThat(e.getAllowed()).contains("registry.example.com/team/web:1.0");
                    });
        }
    }
}
