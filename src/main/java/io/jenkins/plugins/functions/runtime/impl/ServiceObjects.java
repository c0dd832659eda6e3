package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.jenkins.plugins.functions.model.ServiceSettings;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.runtime.RunRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Deployment and Service of a served function, the same for every runtime of this package,
 * so that a function keeps its Service (and its URL) when it moves from one runtime to another,
 * and {@code stopFunction} finds it whatever its runtime.
 */
final class ServiceObjects {

    private ServiceObjects() {
    }

    /**
     * The selector names only the function and the action: it cannot change once the Deployment
     * exists (so no version or run id in it), and it must not pick a job's pods of the same
     * function.
     */
    static Map<String, String> selector(String functionName, RunRequest request) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(RunLabels.MANAGED_BY, RunLabels.MANAGER);
        selector.put(RunLabels.FUNCTION, RunLabels.labelValue(functionName));
        selector.put(RunLabels.ACTION, request.action().id());
        return selector;
    }

    /** The metadata of the Deployment and the Service: the function's name, the run's labels and annotations. */
    static ObjectMeta metadata(String functionName, RunRequest request, Map<String, String> labels) {
        return new ObjectMetaBuilder().withName(functionName).withNamespace(request.namespace())
                .withLabels(labels).withAnnotations(new LinkedHashMap<>(request.annotations())).build();
    }

    /** A Deployment named after the function: serving it again updates it in place, which rolls its pods forward. */
    static Deployment deployment(ObjectMeta metadata, Map<String, String> selector, int replicas,
            PodTemplateSpec template) {
        return new DeploymentBuilder()
                .withMetadata(new ObjectMetaBuilder(metadata).build())
                .withNewSpec()
                    .withReplicas(replicas)
                    .withNewSelector().withMatchLabels(selector).endSelector()
                    .withTemplate(template)
                .endSpec()
                .build();
    }

    /** A Service in front of the Deployment: each port under its own number and name. */
    static Service service(ObjectMeta metadata, Map<String, String> selector, ServiceSettings settings,
            List<ServiceSettings.Port> ports) {
        List<ServicePort> servicePorts = new ArrayList<>();
        for (ServiceSettings.Port p : ports) {
            servicePorts.add(new ServicePortBuilder().withName(p.name()).withPort(p.port())
                    .withTargetPort(new IntOrString(p.name())).withProtocol("TCP").build());
        }
        return new ServiceBuilder()
                .withMetadata(new ObjectMetaBuilder(metadata).build())
                .withNewSpec()
                    .withType(settings.serviceType())
                    .withSelector(selector)
                    .withPorts(servicePorts)
                .endSpec()
                .build();
    }

    /** The container's named TCP ports, which the Service's target ports name. */
    static List<ContainerPort> containerPorts(List<ServiceSettings.Port> ports) {
        List<ContainerPort> containerPorts = new ArrayList<>();
        for (ServiceSettings.Port p : ports) {
            containerPorts.add(new ContainerPortBuilder().withName(p.name()).withContainerPort(p.port())
                    .withProtocol("TCP").build());
        }
        return containerPorts;
    }
}
