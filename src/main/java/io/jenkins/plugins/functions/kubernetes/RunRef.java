package io.jenkins.plugins.functions.kubernetes;

import java.io.Serializable;
import java.util.Objects;

/**
 * What identifies a run's workload in the cluster: enough to find it again after a controller
 * restart, to stop it, and to show it. Small and serializable; holds no fabric8 type. A plain
 * class, not a record: step executions are persisted by marshallers that cannot restore records.
 */
public final class RunRef implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String namespace;
    private final String kind;
    private final String name;
    private final String runId;

    /**
     * @param namespace the workload's namespace
     * @param kind      the workload's kind ({@code Job}, {@code Deployment}, ...)
     * @param name      the workload's name
     * @param runId     the run's id, also the value of the run-id label on every object of the run
     */
    public RunRef(String namespace, String kind, String name, String runId) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = Objects.requireNonNull(name, "name");
        this.runId = Objects.requireNonNull(runId, "runId");
    }

    public String namespace() {
        return namespace;
    }

    public String kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public String runId() {
        return runId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunRef r && namespace.equals(r.namespace) && kind.equals(r.kind)
                && name.equals(r.name) && runId.equals(r.runId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, kind, name, runId);
    }

    @Override
    public String toString() {
        return kind + " " + namespace + "/" + name;
    }
}
