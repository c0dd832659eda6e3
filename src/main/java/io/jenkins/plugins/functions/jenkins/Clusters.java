package io.jenkins.plugins.functions.jenkins;

import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

        public Target(FunctionEngine engine, String defaultNamespace, RuntimeRegistry runtimes) {
            this.engine = engine;
            this.defaultNamespace = defaultNamespace;
            this.runtimes = runtimes;
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
