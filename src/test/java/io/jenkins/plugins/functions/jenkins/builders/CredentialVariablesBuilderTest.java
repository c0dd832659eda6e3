package io.jenkins.plugins.functions.jenkins.builders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.thoughtworks.xstream.XStream;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.TaskListener;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.FakeBuild;
import io.jenkins.plugins.functions.jenkins.FakeEnvVars;
import io.jenkins.plugins.functions.jenkins.history.FunctionRunAction;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.testing.ClusterSimulator;
import io.jenkins.plugins.functions.testing.PodBehavior;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The freestyle builders' environment variables from credentials, end to end against the cluster
 * simulation: the secret reaches the pod only through the run's Secret, never the pod spec, the
 * build log or the build's record; a bad variable is refused before anything is created.
 */
class CredentialVariablesBuilderTest {

    private static final String TOKEN = "tok-3f9c1e77aa";
    private static final String PASSWORD = "pw-81d2c0ffee";

    private ClusterSimulator sim;
    private KubernetesClient client;
    private FunctionEngine engine;
    private Clusters.Resolver previous;
    private final Map<String, FakeBuild> builds = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream logBuffer = new ByteArrayOutputStream();
    private final TaskListener listener = () -> new PrintStream(logBuffer, true, StandardCharsets.UTF_8);
    private final AtomicReference<PodSpec> pod = new AtomicReference<>();

    @BeforeEach
    void start() {
        sim = ClusterSimulator.start();
        client = KubernetesClients.create(ClusterSettings.server(sim.url(), null, null, false, "default"));
        engine = new FunctionEngine(client, EngineOptions.defaults().withLogDrainTimeout(Duration.ofSeconds(5)));
        RuntimeRegistry runtimes = RuntimeRegistry.fromServiceLoader(getClass().getClassLoader());
        previous = Clusters.setResolver(build -> new Clusters.Target(engine, "default", runtimes, builds::get)
                .withCredentials((id, b) -> switch (id) {
                    case "api-token" -> CredentialValue.secretText(id, TOKEN);
                    case "db" -> CredentialValue.usernamePassword(id, "app-user", PASSWORD);
                    case "kube" -> CredentialValue.secretFile(id, "config",
                            "kubeconfig".getBytes(StandardCharsets.UTF_8));
                    default -> null;
                }));
    }

    @AfterEach
    void stop() {
        Clusters.setResolver(previous);
        engine.close();
        client.close();
        sim.close();
    }

    private FakeBuild build(int number) {
        FakeBuild b = new FakeBuild("team/freestyle", number);
        builds.put(b.getExternalizableId(), b);
        return b;
    }

    private static CredentialVariable variable(String name, String id, String key) {
        CredentialVariable v = new CredentialVariable(name, id);
        v.setKey(key);
        return v;
    }

    private static RunFunctionBuilder builder(List<CredentialVariable> variables) {
        RunFunctionBuilder b = new RunFunctionBuilder();
        b.setName("deploy");
        b.setRuntime("container");
        b.setImage("example.com/deploy:1");
        b.setEnv("LEVEL=debug");
        b.setCredentialVariables(variables);
        return b;
    }

    @Test
    void eachVariableReachesThePodThroughTheRunsSecretOnly() throws Exception {
        sim.onImage("example.com/deploy:1", PodBehavior.succeed().runFor(Duration.ofSeconds(2))
                .logs("using " + TOKEN).terminationMessage("{\"ok\":true}"));
        FakeBuild build = build(1);
        RunFunctionBuilder builder = builder(List.of(variable("API_TOKEN", "${TOKEN_ID}", null),
                variable("DB_USER", "db", "username"), variable("DB_PASS", "db", "password"),
                variable("KUBECONFIG", "kube", null)));

        // the test thread is the build's executor; what the cluster holds is read while the run runs
        CompletableFuture<Void> performed = CompletableFuture.runAsync(() -> {
            try {
                builder.perform(build, null, new FakeEnvVars(Map.of("TOKEN_ID", "api-token")), null, listener);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        Secret secret = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((secret == null || pod.get() == null) && System.nanoTime() < deadline) {
            List<Secret> found = client.secrets().inNamespace("default")
                    .withLabel(RunLabels.MANAGED_BY, RunLabels.MANAGER).list().getItems();
            secret = found.isEmpty() ? null : found.get(0);
            client.pods().inNamespace("default").list().getItems().stream().findFirst()
                    .ifPresent(p -> pod.set(p.getSpec()));
            Thread.sleep(20);
        }
        performed.get(30, TimeUnit.SECONDS);

        FunctionRunAction run = FunctionRunAction.of(build).get(0);
        assertThat(run.getState()).as(logBuffer.toString(StandardCharsets.UTF_8)).isEqualTo("COMPLETED");
        List<EnvVar> env = pod.get().getContainers().get(0).getEnv();
        assertThat(env).filteredOn(e -> e.getName().equals("LEVEL")).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("debug"));
        for (String name : List.of("API_TOKEN", "DB_USER", "DB_PASS")) {
            assertThat(env).filteredOn(e -> e.getName().equals(name)).singleElement().satisfies(e -> {
                assertThat(e.getValue()).as(name + " is never in the pod spec").isNull();
                assertThat(e.getValueFrom().getSecretKeyRef()).isNotNull();
            });
        }
        assertThat(env).filteredOn(e -> e.getName().equals("KUBECONFIG")).singleElement()
                .satisfies(e -> assertThat(e.getValue()).as("a secret file's variable holds its path").startsWith("/"));
        assertThat(secret).as("the run's Secret").isNotNull();
        assertThat(decoded(secret, "API_TOKEN")).isEqualTo(TOKEN);
        assertThat(decoded(secret, "DB_USER")).isEqualTo("app-user");
        assertThat(decoded(secret, "DB_PASS")).isEqualTo(PASSWORD);
        assertThat(pod.get().toString()).doesNotContain(TOKEN).doesNotContain(PASSWORD);
        assertThat(logBuffer.toString(StandardCharsets.UTF_8)).doesNotContain(TOKEN).contains("using ****");
        assertThat(run.getSpec()).contains("api-token").doesNotContain(TOKEN).doesNotContain(PASSWORD);
        XStream xstream = new XStream();
        xstream.allowTypesByWildcard(new String[] {"io.jenkins.plugins.**"});
        String config = xstream.toXML(builder);
        assertThat(config).as("the job's config.xml keeps the ids").contains("<credentialsId>db</credentialsId>")
                .contains("<key>password</key>").doesNotContain(TOKEN).doesNotContain(PASSWORD);
        assertThat(((RunFunctionBuilder) xstream.fromXML(config)).getCredentialVariables())
                .isEqualTo(builder.getCredentialVariables());
    }

    private static String decoded(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    @Test
    void aBadVariableIsRefusedBeforeAnythingIsCreatedNamingIt() {
        EnvVars none = new FakeEnvVars(Map.of());
        RunFunctionBuilder twice = builder(List.of(variable("LEVEL", "api-token", null)));
        assertThatThrownBy(() -> twice.perform(build(2), null, none, null, listener))
                .isInstanceOf(AbortException.class).hasMessageContaining("field 'env.LEVEL'")
                .hasMessageContaining("given twice");

        RunFunctionBuilder unknown = builder(List.of(variable("API_TOKEN", "api-tokn", null)));
        assertThatThrownBy(() -> unknown.perform(build(3), null, none, null, listener))
                .isInstanceOf(AbortException.class).hasMessageContaining("api-tokn");

        RunFunctionBuilder noKey = builder(List.of(variable("DB_PASS", "db", null)));
        assertThatThrownBy(() -> noKey.perform(build(4), null, none, null, listener))
                .isInstanceOf(AbortException.class).hasMessageContaining("env.DB_PASS");

        assertThat(client.batch().v1().jobs().inNamespace("default").list().getItems()).isEmpty();
        assertThat(client.secrets().inNamespace("default").list().getItems()).isEmpty();
    }

    @Test
    void buildImageRefusesThemAsItRefusesTheEnvironment() {
        BuildImageBuilder b = new BuildImageBuilder();
        b.setName("web");
        b.setImage("registry.example.com/web:1");
        b.setContext(".");
        b.setCredentialVariables(List.of(variable("API_TOKEN", "api-token", null)));
        assertThatThrownBy(() -> b.perform(build(5), null, new FakeEnvVars(Map.of()), null, listener))
                .isInstanceOf(AbortException.class).hasMessageContaining("field 'env'")
                .hasMessageContaining("API_TOKEN");
    }

    @Test
    void jobsSavedBeforeHaveNone() {
        RunFunctionBuilder old = (RunFunctionBuilder) new XStream() {
            {
                allowTypesByWildcard(new String[] {"io.jenkins.plugins.**"});
            }
        }.fromXML("<io.jenkins.plugins.functions.jenkins.builders.RunFunctionBuilder><name>x</name>"
                + "</io.jenkins.plugins.functions.jenkins.builders.RunFunctionBuilder>");
        assertThat(old.getCredentialVariables()).isEmpty();
    }
}
