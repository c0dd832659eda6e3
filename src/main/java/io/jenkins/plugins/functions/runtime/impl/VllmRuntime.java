package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.ModelUri.Scheme;
import io.jenkins.plugins.functions.model.VllmFunction;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.ProfilePods;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code vllm} runtime: a large language model behind vLLM's OpenAI-compatible server, as a
 * Deployment and a Service on port {@value VllmFunction#PORT} ({@code serve} only).
 *
 * <p>The pod: readiness and liveness on {@code /health}, a startup probe that gives the model
 * {@code startupTimeout} to load (liveness does not count until it passed, so a slow download is
 * not killed), {@code /dev/shm} as a memory-backed volume (vLLM's workers share tensors through
 * it; the container runtime's 64 MiB default is too small), GPUs under the profile's resource
 * name, a {@code pvc://} model mounted read-only, and a Hugging Face token, when the function
 * names one, from a per-run Secret read through {@code secretKeyRef}: the token is never written
 * into the pod spec.
 */
public final class VllmRuntime implements FunctionRuntime {

    public static final String KIND = "vllm";
    /** The key of the per-run Secret and the variable vLLM (huggingface_hub) reads the token from. */
    public static final String HF_TOKEN = "HF_TOKEN";
    static final String SHM_VOLUME = "dshm";

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
        return VllmFunctionParser.FIELDS;
    }

    @Override
    public FunctionSpec validate(FunctionSpec function) throws SpecException {
        return read(function).toSpec(KIND);
    }

    private static VllmFunction read(FunctionSpec function) throws SpecException {
        RuntimeChecks.requireRuntime(function, KIND);
        return VllmFunctionParser.parse(function);
    }

    @Override
    public Plan plan(RunRequest request) throws SpecException {
        if (request.action() != ActionKind.SERVE) {
            throw RuntimeChecks.unsupported(request, KIND, actions());
        }
        VllmFunction f = read(request.function());
        List<String> args = new ArrayList<>();
        String modelArg = switch (f.model().scheme()) {
            case PVC -> ModelServers.claimPath(f.model());
            case HF -> f.model().path();
            default -> f.model().text();
        };
        args.add("--model=" + modelArg);
        args.add("--served-model-name=" + f.servedModelName());
        args.add("--host=0.0.0.0");
        args.add("--port=" + VllmFunction.PORT);
        if (f.model().scheme() == Scheme.S3 && f.args().stream().noneMatch(a -> a.startsWith("--load-format"))) {
            // vLLM reads s3:// models through the Run:ai model streamer
            args.add("--load-format=runai_streamer");
        }
        if (f.maxModelLen() != null) {
            args.add("--max-model-len=" + f.maxModelLen());
        }
        if (f.dtype() != null) {
            args.add("--dtype=" + f.dtype());
        }
        if (f.gpus() > 1) {
            args.add("--tensor-parallel-size=" + f.gpus());
        }
        args.addAll(f.args());

        List<HasMetadata> extra = new ArrayList<>();
        List<EnvVar> env = PodTemplates.engineEnvironment(request);
        if (f.hfTokenCredentialsId() != null) {
            Secret secret = tokenSecret(request, f);
            extra.add(secret);
            env.add(new EnvVarBuilder().withName(HF_TOKEN).withNewValueFrom().withNewSecretKeyRef()
                    .withName(secret.getMetadata().getName()).withKey(HF_TOKEN).endSecretKeyRef().endValueFrom()
                    .build());
        }
        ContainerBuilder main = new ContainerBuilder()
                .withName(RunLabels.MAIN_CONTAINER)
                .withImage(f.image())
                .withArgs(args)
                .withEnv(env)
                .withResources(ModelServers.resources(f.resources(), f.gpus(), request.profile(), f.profile(),
                        VllmFunctionParser.GPUS))
                .withStartupProbe(ModelServers.startupProbe("/health", f.startupTimeout()))
                .withReadinessProbe(ModelServers.httpProbe("/health", 10, 3))
                .withLivenessProbe(ModelServers.httpProbe("/health", 15, 4))
                .addToVolumeMounts(new VolumeMountBuilder().withName(SHM_VOLUME).withMountPath("/dev/shm").build());
        PodSpecBuilder pod = new PodSpecBuilder()
                .addToVolumes(new VolumeBuilder().withName(SHM_VOLUME).withNewEmptyDir().withMedium("Memory")
                        .withSizeLimit(new Quantity(f.shmSize())).endEmptyDir().build());
        if (f.model().scheme() == Scheme.PVC) {
            pod.addToVolumes(ModelServers.claimVolume(f.model()));
            main.addToVolumeMounts(ModelServers.modelsMount(true));
        }
        PodSpec podSpec = pod.build();
        ProfilePods.applyToPod(podSpec, request.profile());

        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("url", ModelServers.serviceUrl(request, VllmFunction.PORT) + "/v1");
        outputs.put("model", f.servedModelName());
        outputs.put("modelUri", f.model().text());
        outputs.put("engine", KIND);
        outputs.put("image", f.image());
        Container container = main.build();
        return ModelServers.plan(request, f.labels(), new ModelServers.Server(container, podSpec, VllmFunction.PORT,
                f.replicas(), outputs, extra));
    }

    /**
     * The token in a Secret of this run, named after the run so a roll-forward never rewrites the
     * Secret the previous version's pods read; it is owned by the Deployment and goes with it.
     */
    private static Secret tokenSecret(RunRequest request, VllmFunction f) throws SpecException {
        CredentialValue credential = request.credentials().get(f.hfTokenCredentialsId());
        if (credential == null) {
            throw new SpecException(VllmFunctionParser.HF_TOKEN_CREDENTIALS_ID, f.hfTokenCredentialsId(),
                    "must name a Jenkins secret text credential; it is resolved by Jenkins for each run, so this"
                            + " function can only be served from a Pipeline");
        }
        if (!VllmFunctionParser.HF_TOKEN_KINDS.contains(credential.kind())) {
            throw new SpecException(VllmFunctionParser.HF_TOKEN_CREDENTIALS_ID, f.hfTokenCredentialsId(),
                    "must name a secret text credential, not a " + credential.kind().name().toLowerCase(
                            java.util.Locale.ROOT).replace('_', ' ') + " credential");
        }
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(RunLabels.workloadName(request) + "-hf-token")
                    .withNamespace(request.namespace())
                    .withLabels(PodTemplates.labels(f.labels(), request))
                    .withAnnotations(new LinkedHashMap<>(request.annotations()))
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(HF_TOKEN, Base64.getEncoder().encodeToString(
                        credential.secret().getBytes(StandardCharsets.UTF_8))))
                .build();
    }
}
