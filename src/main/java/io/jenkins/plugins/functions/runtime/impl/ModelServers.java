package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.jenkins.plugins.functions.model.ModelUri;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.PodSecurity;
import io.jenkins.plugins.functions.runtime.Profile;
import io.jenkins.plugins.functions.runtime.ProfilePods;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.TraceEnv;
import io.jenkins.plugins.functions.runtime.WorkloadOutputs;
import io.jenkins.plugins.functions.spec.SpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pieces the model servers of this package ({@code vllm}, {@code modelserve}) share: a
 * Deployment named after the function with one HTTP port and a Service of the same name in front
 * of it (the same shape, selector and labels as a served container function, so
 * {@code stopFunction}, roll-forwards and the services page treat them alike), HTTP probes, the
 * profile's scheduling choices and GPUs, and a read-only PersistentVolumeClaim for
 * {@code pvc://} models.
 */
final class ModelServers {

    /** The name of the port, in the container and in the Service. */
    static final String PORT_NAME = "http";
    /** Where a model from a PersistentVolumeClaim (or a download) is mounted. */
    static final String MODELS_DIR = "/mnt/models";
    static final String MODELS_VOLUME = "models";
    /** How often the startup probe asks while a model loads. */
    static final int STARTUP_PERIOD_SECONDS = 10;

    private ModelServers() {
    }

    /**
     * What one model server's plan is made of.
     *
     * @param main     the server's container (named {@link RunLabels#MAIN_CONTAINER}), ports and
     *                 probes set by {@link #plan}
     * @param pod      the pod spec around it: init containers, volumes; its containers are replaced
     * @param port     the server's HTTP port
     * @param replicas how many pods
     * @param outputs  what the run's outputs add (endpoint, model, engine, image)
     * @param extra    objects created after the Deployment and owned by it (a per-run Secret)
     */
    record Server(Container main, PodSpec pod, int port, int replicas, Map<String, String> outputs,
                  List<HasMetadata> extra) {
    }

    /** The Deployment and the Service, then the extra objects: the Deployment is the workload. */
    static Plan plan(RunRequest request, Map<String, String> ownLabels, Server server) throws SpecException {
        String name = request.function().name();
        ServiceSettingsParser.checkServiceName(name);
        Map<String, String> labels = PodTemplates.labels(ownLabels, request);
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(RunLabels.MANAGED_BY, RunLabels.MANAGER);
        selector.put(RunLabels.FUNCTION, RunLabels.labelValue(name));
        selector.put(RunLabels.ACTION, request.action().id());
        Map<String, String> annotations = new LinkedHashMap<>(request.annotations());
        annotations.putAll(WorkloadOutputs.annotations(server.outputs()));
        ObjectMeta metadata = new ObjectMetaBuilder().withName(name).withNamespace(request.namespace())
                .withLabels(labels).withAnnotations(annotations).build();

        Container main = server.main();
        main.setName(RunLabels.MAIN_CONTAINER);
        main.setPorts(List.of(new ContainerPortBuilder().withName(PORT_NAME).withContainerPort(server.port())
                .withProtocol("TCP").build()));
        PodSpec pod = server.pod();
        pod.setContainers(new ArrayList<>(List.of(main)));
        pod.setRestartPolicy("Always");
        if (pod.getServiceAccountName() == null) {
            pod.setAutomountServiceAccountToken(false); // a model server needs no API token
        }
        TraceEnv.apply(pod, request); // what FunctionPods.complete does for the other runtimes' pods
        Deployment deployment = new DeploymentBuilder()
                .withMetadata(metadata)
                .withNewSpec()
                    .withReplicas(server.replicas())
                    .withNewSelector().withMatchLabels(selector).endSelector()
                    .withTemplate(new PodTemplateSpecBuilder().withNewMetadata().withLabels(labels).endMetadata()
                            .withSpec(PodSecurity.apply(pod, request.podSecurity())).build())
                .endSpec()
                .build();
        Service service = new ServiceBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(request.namespace())
                        .withLabels(labels).withAnnotations(new LinkedHashMap<>(request.annotations())).build())
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(selector)
                    .addNewPort().withName(PORT_NAME).withPort(server.port())
                        .withTargetPort(new IntOrString(PORT_NAME)).withProtocol("TCP").endPort()
                .endSpec()
                .build();
        List<HasMetadata> objects = new ArrayList<>(List.of(deployment, service));
        objects.addAll(server.extra());
        return new Plan(request, objects, deployment);
    }

    /** The in-cluster base URL of the model server's Service. */
    static String serviceUrl(RunRequest request, int port) {
        return "http://" + request.function().name() + "." + request.namespace() + ".svc:" + port;
    }

    /** An HTTP GET probe of the server's port. */
    static Probe httpProbe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(new IntOrString(PORT_NAME)).endHttpGet()
                .withPeriodSeconds(periodSeconds).withFailureThreshold(failureThreshold).withTimeoutSeconds(5)
                .build();
    }

    /**
     * A startup probe that lets a replica load its model for {@code budget} before the kubelet
     * restarts it; readiness and liveness only start counting once it passed, so a slow load is
     * not mistaken for a dead server.
     */
    static Probe startupProbe(String path, Duration budget) {
        int failures = (int) Math.max(1, (budget.toSeconds() + STARTUP_PERIOD_SECONDS - 1) / STARTUP_PERIOD_SECONDS);
        return httpProbe(path, STARTUP_PERIOD_SECONDS, failures);
    }

    /** The read-only volume and mount of a {@code pvc://claim/path} model, at {@value #MODELS_DIR}. */
    static Volume claimVolume(ModelUri uri) {
        return new VolumeBuilder().withName(MODELS_VOLUME).withNewPersistentVolumeClaim()
                .withClaimName(uri.claim()).withReadOnly(true).endPersistentVolumeClaim().build();
    }

    static VolumeMount modelsMount(boolean readOnly) {
        return new VolumeMountBuilder().withName(MODELS_VOLUME).withMountPath(MODELS_DIR).withReadOnly(readOnly)
                .build();
    }

    /** Where a {@code pvc://claim/path} model is seen inside the pod. */
    static String claimPath(ModelUri uri) {
        return uri.path().isEmpty() ? MODELS_DIR : MODELS_DIR + "/" + uri.path();
    }

    /**
     * The container's requests and limits: the function's, the profile's default resources for
     * what it leaves out, and {@code gpus} under the profile's GPU resource name.
     *
     * @throws SpecException when GPUs are asked for and the profile offers none
     */
    static ResourceRequirements resources(Resources own, int gpus, Profile profile, String profileName,
                                          String gpuField) throws SpecException {
        if (gpus > 0 && profile.gpuResourceName() == null) {
            // said about the model's own field, before the shared rules would say it about resources
            String why;
            if (profileName == null) {
                why = "the function names no profile; set profile: <name> to a GPU profile";
            } else if (profile.isNone()) {
                // the command line: profiles are Jenkins' global configuration
                why = "profile '" + profileName + "' is not configured here (profiles come from the Jenkins"
                        + " global configuration)";
            } else {
                why = "profile '" + profile.name() + "' offers none";
            }
            throw new SpecException(gpuField, gpus, "needs a profile that offers GPUs (one with a GPU"
                    + " resource name such as nvidia.com/gpu): " + why);
        }
        Resources withGpus = gpus <= 0 ? own : new Resources(own.requests(),
                new Resources.Amounts(own.limits().cpu(), own.limits().memory(), Integer.toString(gpus)));
        // the same rules as every runtime: the profile's defaults fill what the model leaves unset
        return ProfilePods.requirements(withGpus, profile);
    }

}
