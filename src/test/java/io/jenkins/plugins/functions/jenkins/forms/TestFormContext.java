package io.jenkins.plugins.functions.jenkins.forms;

import com.thoughtworks.xstream.XStream;
import hudson.AbortException;
import hudson.model.Item;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.jenkins.config.KubernetesPluginCloud;
import io.jenkins.plugins.functions.kubernetes.ClusterSettings;
import io.jenkins.plugins.functions.runtime.CredentialValue;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import io.jenkins.plugins.functions.runtime.impl.PythonRuntime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The form checks' view of Jenkins, for tests: whether the user is an administrator, the global
 * configuration (unsaved), the runtimes, a credentials store (id to kind, in Jenkins' context and
 * per job), the clouds, and how the configuration's fields become cluster settings. Records the
 * drop-down lists asked for. Install with {@link #install()}; {@link #close()} puts Jenkins' back.
 */
public final class TestFormContext extends FormContext implements AutoCloseable {

    /** The configuration without Jenkins behind it: saving is a no-op. */
    public static class Unsaved extends FunctionRuntimesConfiguration {
        @Override
        public synchronized void save() {
        }
    }

    /** A credentials store entry: visible in Jenkins' context, or only to the jobs of one folder. */
    public record Stored(FoundCredential credential, String folder) {
    }

    /** A drop-down the checks asked for. */
    public record ListRequest(Item context, Set<CredentialValue.Kind> kinds, String currentValue) {
    }

    private boolean administrator = true;
    private final FunctionRuntimesConfiguration configuration = fresh();
    private RuntimeRegistry runtimes = new RuntimeRegistry(List.of(new ContainerRuntime(), new PythonRuntime()));
    private final Map<String, Stored> credentials = new LinkedHashMap<>();
    private final Map<String, CredentialValue> values = new LinkedHashMap<>();
    private final Map<String, KubernetesPluginCloud.Connection> clouds = new LinkedHashMap<>();
    private Function<String, ClusterSettings> settings = id -> null;
    private final List<ListRequest> lists = new ArrayList<>();
    private FormContext previous;

    /** Form checks use this context until {@link #close()}. */
    public TestFormContext install() {
        previous = FormContext.set(this);
        return this;
    }

    @Override
    public void close() {
        FormContext.set(previous);
    }

    private static FunctionRuntimesConfiguration fresh() {
        XStream x = new XStream(); // as Jenkins reads it: without the constructor (which loads)
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        return (FunctionRuntimesConfiguration) x.fromXML("<" + Unsaved.class.getName().replace("$", "_-") + "/>");
    }

    public TestFormContext administrator(boolean value) {
        administrator = value;
        return this;
    }

    /** A credential visible in Jenkins' context and to every job. */
    public TestFormContext credential(String id, CredentialValue.Kind kind, String type) {
        credentials.put(id, new Stored(new FoundCredential(id, kind, type), null));
        return this;
    }

    /** A credential of a folder: visible only to the jobs in it. */
    public TestFormContext folderCredential(String folder, String id, CredentialValue.Kind kind, String type) {
        credentials.put(id, new Stored(new FoundCredential(id, kind, type), folder));
        return this;
    }

    /** A credential's value, for the tests that use it (Test the store); its kind must be given with {@link #credential}. */
    public TestFormContext credentialValue(CredentialValue value) {
        values.put(value.id(), value);
        return this;
    }

    public TestFormContext cloud(String name, KubernetesPluginCloud.Connection connection) {
        clouds.put(name, connection);
        return this;
    }

    /** How a credential id (null: none) becomes cluster settings, for Test connection. */
    public TestFormContext clusterSettings(Function<String, ClusterSettings> value) {
        settings = value;
        return this;
    }

    public List<ListRequest> lists() {
        return lists;
    }

    @Override
    public boolean isAdministrator() {
        return administrator;
    }

    @Override
    public FunctionRuntimesConfiguration configuration() {
        return configuration;
    }

    @Override
    public RuntimeRegistry runtimes() {
        return runtimes;
    }

    @Override
    public FoundCredential findCredential(Item context, String id) {
        Stored s = credentials.get(id);
        return s == null || !visible(s, context) ? null : s.credential();
    }

    @Override
    public CredentialValue credentialValue(String id) {
        Stored s = credentials.get(id);
        return s == null || s.folder() != null ? null : values.get(id);
    }

    private static boolean visible(Stored s, Item context) {
        return s.folder() == null || (context != null && context.getFullName().startsWith(s.folder() + "/"));
    }

    @Override
    public ListBoxModel credentialItems(Item context, Set<CredentialValue.Kind> kinds, String currentValue) {
        lists.add(new ListRequest(context, kinds, currentValue));
        ListBoxModel m = new ListBoxModel();
        m.add("- none -", "");
        for (Stored s : credentials.values()) {
            if (visible(s, context) && s.credential().kind() != null && kinds.contains(s.credential().kind())) {
                m.add(s.credential().id() + " (" + s.credential().type() + ")", s.credential().id());
            }
        }
        includeCurrent(m, currentValue);
        return m;
    }

    @Override
    public ListBoxModel currentCredentialOnly(String currentValue) {
        ListBoxModel m = new ListBoxModel();
        includeCurrent(m, currentValue);
        return m;
    }

    /** As the credentials plugin keeps a value that no longer resolves. */
    private static void includeCurrent(ListBoxModel m, String currentValue) {
        if (currentValue != null && !currentValue.isBlank()
                && m.stream().noneMatch(o -> currentValue.equals(o.value))) {
            m.add("- current -", currentValue);
        }
    }

    @Override
    public KubernetesPluginCloud.Connection cloud(String name) throws AbortException {
        KubernetesPluginCloud.Connection c = clouds.get(name);
        if (c == null) {
            throw new AbortException("Function Runtimes: field 'cloudName': value '" + name
                    + "' is not allowed: it must name a cloud in Manage Jenkins » Clouds");
        }
        return c;
    }

    @Override
    public ClusterSettings clusterSettings(String credentialsId, String serverUrl, String serverCertificate,
            boolean skipTlsVerify, String namespace) throws IOException {
        ClusterSettings s = settings.apply(credentialsId);
        if (s == null) {
            throw new AbortException("Function Runtimes (Manage Jenkins » System): field 'credentialsId': value '"
                    + credentialsId + "' is not allowed: no such credential");
        }
        return s;
    }

    public TestFormContext runtimes(RuntimeRegistry value) {
        runtimes = value;
        return this;
    }
}
