package io.jenkins.plugins.functions.jenkins.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.thoughtworks.xstream.XStream;
import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.jenkinsci.Symbol;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Configuration as code sets the global configuration through its {@code @DataBoundSetter}s and
 * exports it through the getters of the same names: every setter must have its getter, and what
 * is set must be what is read back. Also: the {@code @Symbol} and the documentation's YAML.
 */
class FunctionRuntimesConfigurationCascTest {

    /** The configuration without Jenkins behind it: saving is a no-op (the signature classes have none). */
    public static class Unsaved extends FunctionRuntimesConfiguration {
        @Override
        public synchronized void save() {
        }
    }

    private static FunctionRuntimesConfiguration fresh() {
        XStream x = new XStream(); // as Jenkins reads it: without the constructor (which loads)
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**"});
        return (FunctionRuntimesConfiguration) x.fromXML("<" + Unsaved.class.getName().replace("$", "_-") + "/>");
    }

    /** Values a setter accepts and its getter gives back, for the fields whose values are checked. */
    private static final Map<String, Object> SAMPLES = Map.of(
            "namespace", "functions",
            "allowedNamespaces", "ci, team-*",
            "folderNamespaces", "team-a: team-a-*, shared",
            "serverUrl", "https://kubernetes.example.com:6443",
            "cloudName", "kubernetes",
            "credentialsId", "functions-cluster-token",
            "serverCertificate", "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----");

    /** The JCasC attributes: property name to setter. */
    static Map<String, Method> setters() {
        Map<String, Method> out = new TreeMap<>();
        for (Method m : FunctionRuntimesConfiguration.class.getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class)) {
                assertThat(m.getName()).startsWith("set");
                assertThat(m.getParameterCount()).as(m.toString()).isEqualTo(1);
                out.put(Introspector.decapitalize(m.getName().substring(3)), m);
            }
        }
        return out;
    }

    private static Method getter(String property, Class<?> type) {
        String cap = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (String name : new String[] {"get" + cap, "is" + cap}) {
            try {
                Method m = FunctionRuntimesConfiguration.class.getMethod(name);
                if (!Modifier.isStatic(m.getModifiers())) {
                    return m;
                }
            } catch (NoSuchMethodException e) {
                // try the next form
            }
        }
        return null;
    }

    @Test
    void theConfigurationIsFunctionRuntimesInYaml() {
        assertThat(FunctionRuntimesConfiguration.class.getAnnotation(Symbol.class).value())
                .containsExactly("functionRuntimes");
    }

    @Test
    void everySetterHasAGetterOfItsType() {
        assertThat(setters()).isNotEmpty();
        setters().forEach((property, setter) -> {
            Method getter = getter(property, setter.getParameterTypes()[0]);
            assertThat(getter).as("a getter for " + property + " (JCasC exports through it)").isNotNull();
            assertThat(box(setter.getParameterTypes()[0])).as(property + ": the getter returns the setter's type")
                    .isAssignableFrom(box(getter.getReturnType()));
        });
    }

    @Test
    void whatIsSetIsReadBack() throws Exception {
        FunctionRuntimesConfiguration c = fresh();
        for (Map.Entry<String, Method> e : setters().entrySet()) {
            Class<?> type = box(e.getValue().getParameterTypes()[0]);
            Object value = SAMPLES.containsKey(e.getKey()) ? SAMPLES.get(e.getKey())
                    : type == String.class ? "sample-" + e.getKey()
                    : type == Integer.class ? 7
                    : type == Boolean.class ? Boolean.TRUE
                    : null; // a list of describables (e.g. profiles): its own tests round-trip it
            if (value == null) {
                continue;
            }
            e.getValue().invoke(c, value);
            assertThat(getter(e.getKey(), type).invoke(c)).as(e.getKey() + " round-trips").isEqualTo(value);
        }
    }

    @Test
    void theDocumentationShowsEveryField() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration-as-code.md"));
        assertThat(doc).contains("unclassified:\n  functionRuntimes:");
        for (String property : setters().keySet()) {
            assertThat(doc).as(property + " in docs/configuration-as-code.md").contains(property + ":");
        }
    }

    private static Class<?> box(Class<?> c) {
        return c == boolean.class ? Boolean.class : c == int.class ? Integer.class : c == long.class ? Long.class : c;
    }
}
