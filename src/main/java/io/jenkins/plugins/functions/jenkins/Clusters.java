package io.jenkins.plugins.functions.jenkins;

import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.NamespacePolicy;
import io.jenkins.plugins.functions.runtime.PodSecurity;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
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
     * their step names none, the installed runtimes, and the administrator's policies: which
     * namespaces runs may use, the pods' security settings, and the controller's id for labels.
     */
    public static final class Target {
        private final FunctionEngine engine;
        private final String defaultNamespace;
        private final RuntimeRegistry runtimes;
        private final NamespacePolicy namespaces;
        private final PodSecurity.Policy podSecurity;
        private final String controllerId;

        /** Only the default namespace allowed, default pod security, no controller label. */
        public Target(FunctionEngine engine, String defaultNamespace, RuntimeRegistry runtimes) {
            this(engine, defaultNamespace, runtimes, NamespacePolicy.onlyDefault(defaultNamespace),
                    PodSecurity.Policy.defaults(), null);
        }

        /**
         * @param controllerId the value of the {@code functions.jenkins.io/controller} label on the
         *                     runs' objects, or null for none
         */
        public Target(FunctionEngine engine, String defaultNamespace, RuntimeRegistry runtimes,
                NamespacePolicy namespaces, PodSecurity.Policy podSecurity, String controllerId) {
            this.engine = engine;
            this.defaultNamespace = defaultNamespace;
            this.runtimes = runtimes;
            this.namespaces = namespaces;
            this.podSecurity = podSecurity;
            this.controllerId = controllerId;
        }

        public NamespacePolicy namespaces() {
            return namespaces;
        }

        public PodSecurity.Policy podSecurity() {
            return podSecurity;
        }

        public String controllerId() {
            return controllerId;
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

    /**
     * The engines created so far, one per cluster setting builds have used since Jenkins started:
     * what the orphan sweeper sweeps with.
     */
    public static Collection<FunctionEngine> engines() {
        return List.copyOf(ENGINES.values());
    }

    /** The namespace used when neither the step, the configuration nor the connection names one. */
    public static final String FALLBACK_NAMESPACE = "default";

    private static Target fromConfiguration(Run<?, ?> build) throws IOException {
        FunctionRuntimesConfiguration config = FunctionRuntimesConfiguration.get();
        ClusterSettings settings = config.settingsFor(build);
        EngineOptions options = config.engineOptions();
        FunctionEngine engine = ENGINES.computeIfAbsent(settings.fingerprint(),
                key -> new FunctionEngine(KubernetesClients.create(settings), options));
        if (!engine.options().equals(options)) {
            engine.updateOptions(options); // an administrator changed a threshold
        }
        // The configured namespace, else the connection's own (the kubeconfig context's, or the
        // namespace of the pod Jenkins runs in), else "default".
        String namespace = config.getNamespace() != null ? config.getNamespace()
                : engine.client().getNamespace() != null ? engine.client().getNamespace() : FALLBACK_NAMESPACE;
        return new Target(engine, namespace, FunctionRuntimeProvider.registry(), config.namespacePolicy(namespace),
                config.podSecurity(), config.getControllerId());
    }
}
