package io.jenkins.plugins.functions.jenkins;

import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.KubernetesPluginCloud;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Which engine (cluster connection) a build's runs use. One engine, and so one fabric8 client and
 * one set of informers, per distinct cluster setting: created on first use and shared by every
 * run after it. A changed setting (new URL, rotated token) gives a new engine; runs still going
 * on the old one finish there.
 */
public final class Clusters {

    /**
     * What a build's runs use: the engine (cluster connection), the namespace runs go to when
     * their step names none, and the installed runtimes.
     */
    public static final class Target {
        private final FunctionEngine engine;
        private final String defaultNamespace;
        private final RuntimeRegistry runtimes;
        private final Function<String, Run<?, ?>> builds;

        public Target(FunctionEngine engine, String defaultNamespace, RuntimeRegistry runtimes) {
            this(engine, defaultNamespace, runtimes, Clusters::buildById);
        }

        /** @param builds finds a build by its id ({@code folder/job#12}), null when it is gone */
        public Target(FunctionEngine engine, String defaultNamespace, RuntimeRegistry runtimes,
                      Function<String, Run<?, ?>> builds) {
            this.engine = engine;
            this.defaultNamespace = defaultNamespace;
            this.runtimes = runtimes;
            this.builds = builds;
        }

        /** The build of that id, or null when it is gone or cannot be read. */
        public Run<?, ?> build(String externalizableId) {
            return externalizableId == null ? null : builds.apply(externalizableId);
        }

        public RuntimeRegistry runtimes() {
            return runtimes;
        }

        public FunctionEngine engine() {
            return engine;
        }

        public String defaultNamespace() {
            return defaultNamespace;
        }
    }

    /** How a build finds its target; replaced by tests to run against the mock API server. */
    public interface Resolver {
        Target resolve(Run<?, ?> build) throws IOException;
    }

    private static final Map<String, FunctionEngine> ENGINES = new ConcurrentHashMap<>();

    private static volatile Resolver resolver = Clusters::fromConfiguration;

    private Clusters() {
    }

    private static Run<?, ?> buildById(String id) {
        try {
            return Run.fromExternalizableId(id);
        } catch (RuntimeException e) {
            return null; // gone, or not visible to the current authentication
        }
    }

    public static Target forBuild(Run<?, ?> build) throws IOException {
        return resolver.resolve(build);
    }

    /** For tests: resolve every build to the given target. Returns the previous resolver. */
    public static Resolver setResolver(Resolver newResolver) {
        Resolver previous = resolver;
        resolver = newResolver == null ? Clusters::fromConfiguration : newResolver;
        return previous;
    }

    /** The namespace used when neither the step, the configuration nor the connection names one. */
    public static final String FALLBACK_NAMESPACE = "default";

    private static Target fromConfiguration(Run<?, ?> build) throws IOException {
        FunctionRuntimesConfiguration config = FunctionRuntimesConfiguration.get();
        KubernetesPluginCloud.Connection cloud = config.cloudConnection();
        if (cloud != null) {
            // The kubernetes plugin renews a cloud's client when its configuration changes: a new
            // client instance gets a new engine; runs on the old one finish there.
            FunctionEngine engine = ENGINES.computeIfAbsent(
                    "cloud:" + config.getCloudName() + "@" + System.identityHashCode(cloud.client()),
                    key -> new FunctionEngine(cloud.client(), EngineOptions.defaults()));
            String namespace = config.getNamespace() != null ? config.getNamespace()
                    : cloud.namespace() != null ? cloud.namespace()
                    : engine.client().getNamespace() != null ? engine.client().getNamespace() : FALLBACK_NAMESPACE;
            return new Target(engine, namespace, FunctionRuntimeProvider.registry());
        }
        ClusterSettings settings = config.settingsFor(build);
        FunctionEngine engine = ENGINES.computeIfAbsent(settings.fingerprint(),
                key -> new FunctionEngine(KubernetesClients.create(settings), EngineOptions.defaults()));
        // The configured namespace, else the connection's own (the kubeconfig context's, or the
        // namespace of the pod Jenkins runs in), else "default".
        String namespace = config.getNamespace() != null ? config.getNamespace()
                : engine.client().getNamespace() != null ? engine.client().getNamespace() : FALLBACK_NAMESPACE;
        return new Target(engine, namespace, FunctionRuntimeProvider.registry());
    }
}
