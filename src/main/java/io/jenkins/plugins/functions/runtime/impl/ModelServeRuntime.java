package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.ModelServeFunction;
import io.jenkins.plugins.functions.model.ModelServeFunction.Framework;
import io.jenkins.plugins.functions.model.ModelUri;
import io.jenkins.plugins.functions.model.ModelUri.Scheme;
import io.jenkins.plugins.functions.runtime.CredentialEnv;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.ProfilePods;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code modelserve} runtime: a scikit-learn, XGBoost or MLflow model on MLServer, which
 * answers the Open Inference Protocol (V2) at {@code /v2/models/<name>/infer} ({@code serve} only).
 *
 * <p><b>Model download: an init container.</b> MLServer loads models from local paths only (its
 * {@code uri} is a file or directory in the pod; fetching from S3 or the web is left to the
 * platform around it, as Seldon Core and KServe do with their storage initializers). So a
 * {@code s3://} or {@code https://} model is fetched by an init container with a small pinned
 * image ({@value #S3_IMAGE}, {@value #HTTPS_IMAGE}) into an {@code emptyDir} the server then
 * reads: the server image stays the stock one, a failed download is the init container's failure
 * (its log says why), and the server never needs credentials. A {@code pvc://} model is mounted
 * read-only, without download.
 *
 * <p><b>A model from an earlier run.</b> A function that leaves {@code model} out serves the run's
 * input named {@code model} ({@code serveFunction file: 'iris.yaml', inputs: [model:
 * train.artifacts.model]}). A model in the artifact store's bucket, from an input or written in
 * the function, is downloaded with the store's endpoint, region and key, as every runtime's pods
 * reach the store (docs/artifacts.md): the standard {@code AWS_*} variables, the key from the run's
 * own Secret (owned by the Deployment, never in the pod spec), path-style requests when the store
 * wants them. Only the download container gets them; the server never sees the key.
 *
 * <p>MLServer is configured through its {@code MLSERVER_MODEL_*} and {@code MLSERVER_*_PORT}
 * environment variables: no settings file to generate.
 */
public final class ModelServeRuntime implements FunctionRuntime {

    public static final String KIND = "modelserve";
    /** The init container that copies an {@code s3://} model; credentials come from the pod's identity. */
    public static final String S3_IMAGE = "amazon/aws-cli:2.17.0";
    /** The init container that downloads an {@code https://} model. */
    public static final String HTTPS_IMAGE = "curlimages/curl:8.8.0";
    static final String DOWNLOAD_CONTAINER = "download-model";
    static final int GRPC_PORT = 8081;
    /** The input a function without {@code model} serves. */
    public static final String MODEL_INPUT = "model";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<ActionKind> actions() {
        return Set.of(ActionKind.SERVE);
    }

    @Override
    public List<String> fields() {
        return ModelServeFunctionParser.FIELDS;
    }

    @Override
    public FunctionSpec validate(FunctionSpec function) throws SpecException {
        return read(function).toSpec(KIND);
    }

    private static ModelServeFunction read(FunctionSpec function) throws SpecException {
        RuntimeChecks.requireRuntime(function, KIND);
        return ModelServeFunctionParser.parse(function);
    }

    @Override
    public Plan plan(RunRequest request) throws SpecException {
        if (request.action() != ActionKind.SERVE) {
            throw RuntimeChecks.unsupported(request, KIND, actions());
        }
        ModelServeFunction f = read(request.function());
        ModelUri uri = model(f, request);
        PodSpecBuilder pod = new PodSpecBuilder();
        String localPath;
        List<HasMetadata> extra = new ArrayList<>();
        if (uri.scheme() == Scheme.PVC) {
            pod.addToVolumes(ModelServers.claimVolume(uri));
            localPath = ModelServers.claimPath(uri);
        } else {
            pod.addToVolumes(new VolumeBuilder().withName(ModelServers.MODELS_VOLUME).withNewEmptyDir().endEmptyDir()
                    .build());
            boolean directory = f.framework() == Framework.MLFLOW || uri.path().isEmpty() || uri.path().endsWith("/");
            localPath = ModelServers.MODELS_DIR + "/" + (directory ? "model" : uri.baseName());
            Container download = download(uri, localPath, directory);
            if (inStore(uri, request)) {
                // No digest of the key on the pod template (CredentialEnv.applyTo): only the download
                // reads it, when a pod starts, from the Secret a new serve updates in place.
                CredentialEnv store = CredentialEnv.of(List.of(), request, request.function().name(),
                        PodTemplates.labels(f.labels(), request));
                fromStore(download, store.envVars(), request.artifacts().store().pathStyle());
                extra.add(store.secret());
            }
            pod.addToInitContainers(download);
        }

        List<EnvVar> env = PodTemplates.engineEnvironment(request);
        env.add(new EnvVar("MLSERVER_HTTP_PORT", Integer.toString(ModelServeFunction.PORT), null));
        env.add(new EnvVar("MLSERVER_GRPC_PORT", Integer.toString(GRPC_PORT), null));
        env.add(new EnvVar("MLSERVER_MODEL_NAME", f.modelName(), null));
        env.add(new EnvVar("MLSERVER_MODEL_IMPLEMENTATION", f.framework().implementation(), null));
        env.add(new EnvVar("MLSERVER_MODEL_URI", localPath, null));
        Container main = new ContainerBuilder()
                .withName(RunLabels.MAIN_CONTAINER)
                .withImage(f.image())
                .withCommand("mlserver", "start", ModelServers.MODELS_DIR)
                .withEnv(env)
                .withResources(ModelServers.resources(f.resources(), 0, request.profile(), f.profile(), "gpus"))
                .withStartupProbe(ModelServers.startupProbe("/v2/health/live", f.startupTimeout()))
                .withReadinessProbe(ModelServers.httpProbe("/v2/health/ready", 5, 3))
                .withLivenessProbe(ModelServers.httpProbe("/v2/health/live", 15, 4))
                .addToVolumeMounts(ModelServers.modelsMount(uri.scheme() == Scheme.PVC))
                .build();
        PodSpec podSpec = pod.build();
        ProfilePods.applyToPod(podSpec, request.profile());

        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("url", ModelServers.serviceUrl(request, ModelServeFunction.PORT) + "/v2/models/" + f.modelName());
        outputs.put("model", f.modelName());
        outputs.put("modelUri", uri.text());
        outputs.put("engine", "mlserver");
        outputs.put("framework", f.framework().id());
        outputs.put("image", f.image());
        return ModelServers.plan(request, f.labels(), new ModelServers.Server(main, podSpec, ModelServeFunction.PORT,
                f.replicas(), outputs, extra));
    }

    /**
     * The model: the function's {@code model}, else the run's input {@code model}; never both.
     *
     * @throws SpecException naming {@code model} when there is neither, or both
     */
    static ModelUri model(ModelServeFunction f, RunRequest request) throws SpecException {
        String input = request.artifacts() == null ? null : request.artifacts().inputs().get(MODEL_INPUT);
        if (f.model() != null && input != null) {
            throw new SpecException(ModelServeFunctionParser.MODEL, f.model().text(), "given once: in the function"
                    + " or as the step's input '" + MODEL_INPUT + "' (" + input + "), not both");
        }
        if (f.model() != null) {
            return f.model();
        }
        if (input == null) {
            throw new SpecException(ModelServeFunctionParser.MODEL, null, ModelFields.uriRule(
                    ModelServeFunctionParser.SCHEMES) + "; or left out when the step passes the model as its input '"
                    + MODEL_INPUT + "' (inputs: [model: train.artifacts.model]), which needs an artifact store");
        }
        ModelUri uri = ModelFields.modelUri(input, "inputs." + MODEL_INPUT, ModelServeFunctionParser.SCHEMES);
        if (f.framework() == Framework.MLFLOW && uri.scheme() == Scheme.HTTPS) {
            throw new SpecException("inputs." + MODEL_INPUT, input, "an s3:// prefix for an mlflow model (a directory)");
        }
        return uri;
    }

    /** Whether the model is in the bucket of the run's artifact store: downloaded with its key. */
    private static boolean inStore(ModelUri uri, RunRequest request) {
        if (uri.scheme() != Scheme.S3 || request.artifacts() == null) {
            return false;
        }
        String rest = uri.text().substring("s3://".length());
        int slash = rest.indexOf('/');
        return (slash < 0 ? rest : rest.substring(0, slash)).equals(request.artifacts().store().bucket());
    }

    /**
     * The download from the artifact store: the store's {@code AWS_*} variables (the key through
     * the run's Secret), and the AWS CLI told to name the bucket in the path when the store wants
     * it (MinIO), in a config file that is removed after the copy.
     */
    private static void fromStore(Container download, List<EnvVar> runEnv, boolean pathStyle) {
        List<EnvVar> env = new ArrayList<>();
        for (EnvVar e : runEnv) {
            if (e.getName().startsWith("AWS_")) {
                env.add(e);
            }
        }
        download.setEnv(env);
        if (pathStyle) {
            String config = ModelServers.MODELS_DIR + "/.aws-config";
            String copy = String.join(" ", download.getCommand().stream().map(ModelServeRuntime::quote).toList());
            download.setCommand(List.of("sh", "-c", "set -e\nexport AWS_CONFIG_FILE=" + config
                    + "\nprintf '[default]\\ns3 =\\n  addressing_style = path\\n' > \"$AWS_CONFIG_FILE\"\n" + copy
                    + "\nrm -f \"$AWS_CONFIG_FILE\"\n"));
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The init container that copies the model to {@code localPath}: a file, or a directory's content. */
    private static Container download(ModelUri uri, String localPath, boolean directory) {
        List<String> command = new ArrayList<>();
        String image;
        if (uri.scheme() == Scheme.S3) {
            image = S3_IMAGE;
            command.addAll(List.of("aws", "s3", "cp"));
            if (directory) {
                command.add("--recursive");
            }
            command.add(uri.text());
            command.add(localPath);
        } else {
            image = HTTPS_IMAGE;
            command.addAll(List.of("curl", "-fsSL", "--retry", "3", "-o", localPath, uri.text()));
        }
        return new ContainerBuilder().withName(DOWNLOAD_CONTAINER).withImage(image).withCommand(command)
                .addToVolumeMounts(ModelServers.modelsMount(false)).build();
    }
}
