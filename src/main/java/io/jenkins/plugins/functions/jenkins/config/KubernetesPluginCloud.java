package io.jenkins.plugins.functions.jenkins.config;

import hudson.AbortException;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Reaches a Kubernetes cloud configured in the kubernetes plugin (Manage Jenkins » Clouds) and
 * takes its client, so that runs use the same cluster, credentials and namespace as the agents.
 *
 * <p>Through reflection, over members of the real API checked in {@code shared/jenkins-api}:
 * {@code jenkins.model.Jenkins.get()}, {@code Jenkins.getCloud(String)},
 * {@code org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud.connect()} and
 * {@code getNamespace()}. Why: the kubernetes plugin is an optional dependency, so none of its
 * classes may be linked from this plugin's classes; and {@code jenkins.model.Jenkins} cannot be
 * given a signature class (its superclasses need Stapler's request types, which the API check
 * cannot verify). The client is the kubernetes plugin's own, cached and renewed by it: it is
 * never closed here.
 */
public final class KubernetesPluginCloud {

    static final String CLOUD_CLASS = "org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud";

    /** The cloud's client and its namespace (null when the cloud names none). */
    public static final class Connection {
        private final KubernetesClient client;
        private final String namespace;

        Connection(KubernetesClient client, String namespace) {
            this.client = client;
            this.namespace = namespace;
        }

        public KubernetesClient client() {
            return client;
        }

        public String namespace() {
            return namespace;
        }
    }

    private KubernetesPluginCloud() {
    }

    /**
     * The cloud's client and namespace. Makes no request: the kubernetes plugin's client connects
     * when it is first used.
     *
     * @throws AbortException naming the cloud when there is no Kubernetes cloud of that name
     */
    public static Connection connect(String cloudName) throws AbortException {
        Object jenkins;
        try {
            jenkins = Class.forName("jenkins.model.Jenkins").getMethod("get").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new AbortException("Function Runtimes: the cloud '" + cloudName + "' can only be used inside Jenkins");
        }
        Object cloud;
        try {
            cloud = jenkins.getClass().getMethod("getCloud", String.class).invoke(jenkins, cloudName);
        } catch (ReflectiveOperationException e) {
            throw new AbortException("Function Runtimes: cannot look up the cloud '" + cloudName + "': " + cause(e));
        }
        if (cloud == null) {
            throw new AbortException("Function Runtimes: field 'cloudName': value '" + cloudName
                    + "' is not allowed: it must name a cloud in Manage Jenkins » Clouds");
        }
        if (!isKubernetesCloud(cloud.getClass())) {
            throw new AbortException("Function Runtimes: field 'cloudName': value '" + cloudName
                    + "' is not allowed: it must be a Kubernetes cloud (of the kubernetes plugin), not a "
                    + cloud.getClass().getSimpleName());
        }
        try {
            Method connect = cloud.getClass().getMethod("connect");
            KubernetesClient client = (KubernetesClient) connect.invoke(cloud);
            Object namespace = cloud.getClass().getMethod("getNamespace").invoke(cloud);
            return new Connection(client, namespace == null || namespace.toString().isBlank() ? null
                    : namespace.toString().trim());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new AbortException("Function Runtimes: cannot connect to the cloud '" + cloudName + "': " + cause(e));
        }
    }

    private static boolean isKubernetesCloud(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (CLOUD_CLASS.equals(c.getName())) {
                return true;
            }
        }
        return false;
    }

    /** The message of what the invoked method threw (never a request body: no secret). */
    private static String cause(Throwable e) {
        Throwable t = e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
