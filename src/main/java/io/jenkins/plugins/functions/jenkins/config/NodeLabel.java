package io.jenkins.plugins.functions.jenkins.config;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.functions.spec.Names;
import java.util.Objects;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;

/**
 * One entry of a profile's node selector: a node label the pods must match. Configuration-as-code:
 * {@code nodeSelector: [{key: pool, value: gpu}]}, a list of maps as the kubernetes plugin writes
 * its pod templates' key-value lists (JCasC binds no map of free keys). Immutable; checked with
 * its profile.
 */
public final class NodeLabel extends AbstractDescribableImpl<NodeLabel> {

    private final String key;
    private final String value;

    @DataBoundConstructor
    public NodeLabel(String key, String value) {
        this.key = key == null ? "" : key.trim();
        this.value = value == null ? "" : value.trim();
    }

    public String getKey() {
        return key;
    }

    public String getValue() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeLabel l && key.equals(l.key) && value.equals(l.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, value);
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }

    @Extension
    @Symbol("nodeLabel")
    public static final class DescriptorImpl extends Descriptor<NodeLabel> {
        @Override
        public String getDisplayName() {
            return "Node label";
        }

        public FormValidation doCheckKey(@QueryParameter String value) {
            return ProfileChecks.nodeLabel(value, null);
        }

        public FormValidation doCheckValue(@QueryParameter String value, @QueryParameter String key) {
            // a key's own problem is said at the key
            String k = key == null ? null : key.trim();
            return ProfileChecks.nodeLabel(Names.isLabelKey(k) ? k : "key", value == null ? "" : value);
        }
    }
}
