package io.jenkins.plugins.functions.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.KubernetesPluginCloud;
import io.jenkins.plugins.functions.jenkins.config.RunSettings;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.jenkins.observability.JenkinsMetrics;
import io.jenkins.plugins.functions.kubernetes.EngineMetrics;
import io.jenkins.plugins.functions.kubernetes.EngineOptions;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.KubernetesClients;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.NamespacePolicy;
import io.jenkins.plugins.functions.runtime.PodSecurity;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

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
        private final Function<String, Run<?, ?>> builds;
        private final NamespacePolicy namespaces;
        private final PodSecurity.Policy podSecurity;
        private final String controllerId;
        private Map<String, Profile> profiles = Map.of();
        private CredentialsLookup credentials = CredentialsLookup.NONE;
        private String builderImage;
        private java.util.function.Function<String, io.jenkins.plugins.functions.jenkins.artifacts.StoreAccess>
                artifactStores = profile -> null;

        /** Only the default namespace allowed, default pod security, no controller label. */
        public Target(FunctionEngine engine, String defaultNamespace, RuntimeRegistry runtimes) {
            this(engine, defaultNamespace, runtimes, NamespacePolicy.onlyDefault(defaultNamespace),
                    PodSecurity.Policy.defaults(), null, Clusters::buildById);
        }

        /** @param builds finds a build by its id ({@code folder/job#12}), null when it is gone */
        public Target(FunctionEngine engine, String defaultNamespace, RuntimeRegistry runtimes,
                      Function<String, Run<?, ?>> builds) {
            this(engine, defaultNamespace, runtimes, NamespacePolicy.onlyDefault(defaultNamespace),
                    PodSecurity.Policy.defaults(), null, builds);
        }

        /**
         * @param controllerId the value of the {@code functions.jenkins.io/controller} label on the
         *                     runs' objects, or null for none
         */
        public Target(FunctionEngine engine, String defaultNamespace, RuntimeRegistry runtimes,
                NamespacePolicy namespaces, PodSecurity.Policy podSecurity, String controllerId) {
            this(engine, defaultNamespace, runtimes, namespaces, podSecurity, controllerId, Clusters::buildById);
        }

        /**
         * @param controllerId the value of the {@code functions.jenkins.io/controller} label on the
         *                     runs' objects, or null for none
         * @param builds       finds a build by its id ({@code folder/job#12}), null when it is gone
         */
        public Target(FunctionEngine engine, String defaultNamespace, RuntimeRegistry runtimes,
                NamespacePolicy namespaces, PodSecurity.Policy podSecurity, String controllerId,
                Function<String, Run<?, ?>> builds) {
            this.engine = engine;
            this.defaultNamespace = defaultNamespace;
            this.runtimes = runtimes;
            this.namespaces = namespaces;
            this.podSecurity = podSecurity;
            this.controllerId = controllerId;
            this.builds = builds;
        }

        /** This target with the administrator's profiles, by name. */
        public Target withProfiles(Map<String, Profile> value) {
            this.profiles = Map.copyOf(value);
            return this;
        }

        /** This target with the way it finds a build's credentials (tests replace Jenkins' lookup). */
        public Target withCredentials(CredentialsLookup value) {
            this.credentials = value;
            return this;
        }

        /** This target with the administrator's image builder (null for the plugin's pinned BuildKit). */
        public Target withBuilderImage(String value) {
            this.builderImage = value;
            return this;
        }

        /** This target with the administrator's artifact stores: the store of a run under a profile (null name: none). */
        public Target withArtifactStores(
                java.util.function.Function<String, io.jenkins.plugins.functions.jenkins.artifacts.StoreAccess> value) {
            this.artifactStores = value;
            return this;
        }

        /** The artifact store of a run under that profile (null for none), or null when none is configured. */
        public io.jenkins.plugins.functions.jenkins.artifacts.StoreAccess artifactStore(String profile) {
            return artifactStores.apply(profile);
        }

        /** The image builds run in, or null for the plugin's default. */
        public String builderImage() {
            return builderImage;
        }

        /** The administrator's profiles, by name. */
        public Map<String, Profile> profiles() {
            return profiles;
        }

        /** How credentials are found in the context of a build's job. */
        public CredentialsLookup credentials() {
            return credentials;
        }

        /** The build of that id, or null when it is gone or cannot be read. */
        public Run<?, ?> build(String externalizableId) {
            return externalizableId == null ? null : builds.apply(externalizableId);
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

    /**
     * Finds a credential by id in the context of a build: in Jenkins, {@code CredentialsProvider}
     * with the run (so folder credentials and the job's permissions count), never globally by id.
     * Tests replace it: Jenkins' credential types cannot be built outside Jenkins.
     */
    public interface CredentialsLookup {
        /** Finds none: every id is unknown. */
        CredentialsLookup NONE = (id, build) -> null;

        /**
         * The value of the credential of that id visible to the build, or null when there is none.
         *
         * @throws AbortException when the credential is of a type runs cannot use; the message
         *                        names the id, its type and the types allowed, never a value
         */
        CredentialValue find(String id, Run<?, ?> build) throws IOException;
    }

    /** How a build finds its target; replaced by tests to run against the mock API server. */
    public interface Resolver {
        Target resolve(Run<?, ?> build) throws IOException;
    }

    private static final Map<String, FunctionEngine> ENGINES = new ConcurrentHashMap<>();

    private static volatile Resolver resolver = Clusters::fromConfiguration;

    private Clusters() {
    }

    /** The full name of a build's job, from its {@code folder/job#12} id. */
    public static String jobName(Run<?, ?> build) {
        String id = build.getExternalizableId();
        int hash = id.lastIndexOf('#');
        return hash < 0 ? id : id.substring(0, hash);
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

    /**
     * The engines created so far, one per cluster setting builds have used since Jenkins started:
     * what the orphan sweeper sweeps with.
     */
    public static Collection<FunctionEngine> engines() {
        return List.copyOf(ENGINES.values());
    }

    /**
     * The engine of the configured connection when it can be made without a build (a Kubernetes
     * cloud, or no credential: the controller's own environment or a URL alone), else null: a
     * credential is looked up in a build's context. The orphan sweeper sweeps with it after a
     * restart, before any build has used the connection.
     */
    public static FunctionEngine configuredEngine() throws IOException {
        FunctionRuntimesConfiguration config = FunctionRuntimesConfiguration.get();
        RunSettings runSettings = RunSettings.of(config);
        EngineOptions options = runSettings.engineOptions();
        KubernetesPluginCloud.Connection cloud = runSettings.cloudConnection();
        FunctionEngine engine;
        if (cloud != null) {
            engine = ENGINES.computeIfAbsent("cloud:" + config.getCloudName() + "@" + System.identityHashCode(cloud.client()),
                    key -> new FunctionEngine(cloud.client(), options));
        } else if (config.getCredentialsId() != null) {
            return null;
        } else {
            ClusterSettings settings = config.getServerUrl() == null
                    ? ClusterSettings.autoConfigured(config.getNamespace())
                    : ClusterSettings.server(config.getServerUrl(), null, config.getServerCertificate(),
                            config.isSkipTlsVerify(), config.getNamespace());
            engine = ENGINES.computeIfAbsent(settings.fingerprint(),
                    key -> new FunctionEngine(KubernetesClients.create(settings), options));
        }
        observe(engine, config);
        return engine;
    }

    /** The namespace used when neither the step, the configuration nor the connection names one. */
    public static final String FALLBACK_NAMESPACE = "default";

    private static Target fromConfiguration(Run<?, ?> build) throws IOException {
        FunctionRuntimesConfiguration config = FunctionRuntimesConfiguration.get();
        RunSettings runSettings = RunSettings.of(config);
        EngineOptions options = runSettings.engineOptions();
        KubernetesPluginCloud.Connection cloud = runSettings.cloudConnection();
        FunctionEngine engine;
        String connectionNamespace;
        if (cloud != null) {
            // The kubernetes plugin renews a cloud's client when its configuration changes: a new
            // client instance gets a new engine; runs on the old one finish there.
            engine = ENGINES.computeIfAbsent(
                    "cloud:" + config.getCloudName() + "@" + System.identityHashCode(cloud.client()),
                    key -> new FunctionEngine(cloud.client(), options));
            connectionNamespace = cloud.namespace() != null ? cloud.namespace() : engine.client().getNamespace();
        } else {
            ClusterSettings settings = runSettings.settingsFor(build);
            engine = ENGINES.computeIfAbsent(settings.fingerprint(),
                    key -> new FunctionEngine(KubernetesClients.create(settings), options));
            // the kubeconfig context's, or the namespace of the pod Jenkins runs in
            connectionNamespace = engine.client().getNamespace();
        }
        if (!engine.options().equals(options)) {
            engine.updateOptions(options); // an administrator changed a threshold
        }
        observe(engine, config);
        String namespace = config.getNamespace() != null ? config.getNamespace()
                : connectionNamespace != null ? connectionNamespace : FALLBACK_NAMESPACE;
        return new Target(engine, namespace, FunctionRuntimeProvider.registry(), runSettings.namespacePolicyForJob(namespace, jobName(build)),
                runSettings.podSecurity(), config.getControllerId())
                .withProfiles(runSettings.profileMap())
                .withCredentials(Clusters::credentialInContext)
                .withBuilderImage(config.getBuilderImage())
                .withArtifactStores(profile -> {
                    io.jenkins.plugins.functions.jenkins.config.ArtifactStoreConfig c = runSettings.artifactStoreFor(profile);
                    return c == null ? null : c.toAccess();
                });
    }

    /**
     * The engine reports to the plugin's metrics (the metrics plugin's registry, when installed) and
     * samples its runs' resource usage as configured; both set again when the configuration changed.
     */
    private static void observe(FunctionEngine engine, FunctionRuntimesConfiguration config) {
        EngineMetrics metrics = JenkinsMetrics.engineMetrics();
        if (engine.metrics() != metrics) {
            engine.withMetrics(metrics);
        }
        Duration usageInterval = RunSettings.of(config).usageInterval();
        if (!engine.usageInterval().equals(usageInterval)) {
            engine.sampleUsageEvery(usageInterval);
        }
    }

    private static CredentialValue credentialInContext(String id, Run<?, ?> build) throws IOException {
        StandardCredentials found = CredentialsProvider.findCredentialById(id, StandardCredentials.class, build,
                List.of());
        if (found == null) {
            return null;
        }
        CredentialsProvider.track(build, found); // the credential's usage page lists the build
        if (found instanceof StringCredentials text) {
            return CredentialValue.secretText(id, text.getSecret().getPlainText());
        }
        if (found instanceof StandardUsernamePasswordCredentials user) {
            return CredentialValue.usernamePassword(id, user.getUsername(), user.getPassword().getPlainText());
        }
        if (found instanceof FileCredentials file) {
            try (InputStream in = file.getContent()) {
                return CredentialValue.secretFile(id, file.getFileName(), in.readAllBytes());
            }
        }
        throw new AbortException("credential '" + id + "' is a " + found.getClass().getSimpleName()
                + "; allowed: secret text, username with password, secret file");
    }
}
