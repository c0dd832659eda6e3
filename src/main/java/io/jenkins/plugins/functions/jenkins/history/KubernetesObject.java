package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.run.RunRecord;
import java.util.ArrayList;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The exported view of one Kubernetes object of a run ({@link FunctionRunAction#getKubernetesObjects()}). */
@ExportedBean(defaultVisibility = 2)
public final class KubernetesObject {
    private final RunRecord.ObjectRef ref;

    KubernetesObject(RunRecord.ObjectRef ref) {
        this.ref = ref;
    }

    /** The views of a record's Kubernetes objects, in order. */
    static List<KubernetesObject> of(RunRecord record) {
        List<KubernetesObject> out = new ArrayList<>();
        record.getObjects().forEach(o -> out.add(new KubernetesObject(o)));
        return out;
    }

    @Exported
    public String getKind() {
        return ref.getKind();
    }

    @Exported
    public String getNamespace() {
        return ref.getNamespace();
    }

    @Exported
    public String getName() {
        return ref.getName();
    }
}
