package io.jenkins.plugins.functions.jenkins.config;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * One toleration of a profile, as in a pod spec. Configuration-as-code: {@code tolerations:
 * [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]}. Every field is optional here;
 * what a toleration must hold (a key unless {@code Exists}, seconds only with {@code NoExecute})
 * is checked with its profile, by the engine's profile reader.
 */
public final class TolerationConfig extends AbstractDescribableImpl<TolerationConfig> {

    private String key;
    private String operator;
    private String value;
    private String effect;
    private String tolerationSeconds;

    @DataBoundConstructor
    public TolerationConfig() {
    }

    public String getKey() {
        return key;
    }

    @DataBoundSetter
    public void setKey(String key) {
        this.key = trimToNull(key);
    }

    /** {@code Equal} (the default) or {@code Exists}. */
    public String getOperator() {
        return operator;
    }

    @DataBoundSetter
    public void setOperator(String operator) {
        this.operator = trimToNull(operator);
    }

    public String getValue() {
        return value;
    }

    @DataBoundSetter
    public void setValue(String value) {
        this.value = trimToNull(value);
    }

    /** {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute}, or none for every effect. */
    public String getEffect() {
        return effect;
    }

    @DataBoundSetter
    public void setEffect(String effect) {
        this.effect = trimToNull(effect);
    }

    /** With {@code NoExecute}: how long the pod stays once the node is tainted, in seconds. */
    public String getTolerationSeconds() {
        return tolerationSeconds;
    }

    @DataBoundSetter
    public void setTolerationSeconds(String tolerationSeconds) {
        this.tolerationSeconds = trimToNull(tolerationSeconds);
    }

    /** As a pod spec (and the engine's profile reader) writes it: seconds as a number when they are one. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "key", key);
        put(m, "operator", operator);
        put(m, "value", value);
        put(m, "effect", effect);
        if (tolerationSeconds != null) {
            m.put("tolerationSeconds", tolerationSeconds.matches("\\d{1,18}") ? (Object) Long.valueOf(tolerationSeconds)
                    : tolerationSeconds);
        }
        return m;
    }

    /** One from a map of the text form ({@code {key: ..., operator: ...}}); values as text. */
    static TolerationConfig of(Map<?, ?> m) {
        TolerationConfig t = new TolerationConfig();
        t.setKey(text(m.get("key")));
        t.setOperator(text(m.get("operator")));
        t.setValue(text(m.get("value")));
        t.setEffect(text(m.get("effect")));
        t.setTolerationSeconds(text(m.get("tolerationSeconds")));
        return t;
    }

    private static String text(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static void put(Map<String, Object> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TolerationConfig t && toMap().equals(t.toMap());
    }

    @Override
    public int hashCode() {
        return Objects.hash(toMap());
    }

    @Override
    public String toString() {
        return toMap().toString();
    }

    @Extension
    @Symbol("toleration")
    public static final class DescriptorImpl extends Descriptor<TolerationConfig> {
        @Override
        public String getDisplayName() {
            return "Toleration";
        }

        public ListBoxModel doFillOperatorItems() {
            ListBoxModel m = new ListBoxModel();
            m.add("Equal (key and value)", "Equal");
            m.add("Exists (key only, or every taint)", "Exists");
            return m;
        }

        public ListBoxModel doFillEffectItems() {
            ListBoxModel m = new ListBoxModel();
            m.add("every effect", "");
            m.add("NoSchedule");
            m.add("PreferNoSchedule");
            m.add("NoExecute");
            return m;
        }

        public FormValidation doCheckKey(@QueryParameter String value, @QueryParameter String operator,
                @QueryParameter String effect, @QueryParameter String tolerationSeconds) {
            return ProfileChecks.toleration("key", value, operator, null, effect, tolerationSeconds);
        }

        public FormValidation doCheckValue(@QueryParameter String value, @QueryParameter String key,
                @QueryParameter String operator) {
            return ProfileChecks.toleration("value", key, operator, value, null, null);
        }

        public FormValidation doCheckTolerationSeconds(@QueryParameter String value, @QueryParameter String key,
                @QueryParameter String operator, @QueryParameter String effect) {
            return ProfileChecks.toleration("tolerationSeconds", key, operator, null, effect, value);
        }
    }
}
