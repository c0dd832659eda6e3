package io.jenkins.plugins.functions.jenkins.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.jenkins.services.FunctionServicesAction;
import io.jenkins.plugins.functions.jenkins.services.ServiceEntry;
import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The REST API's shape, read the way Stapler reads it ({@code @ExportedBean} classes, their
 * {@code @Exported} getters, the names Stapler derives, their visibility), without a running
 * Jenkins: the field names are a contract, documented in {@code docs/rest-api.md}.
 */
class RestApiExportTest {

    /** Exported name to visibility, as Stapler computes them. */
    static Map<String, Integer> exported(Class<?> type) {
        ExportedBean bean = type.getAnnotation(ExportedBean.class);
        assertThat(bean).as(type + " is an @ExportedBean").isNotNull();
        Map<String, Integer> out = new TreeMap<>();
        for (Method m : type.getMethods()) {
            Exported e = m.getAnnotation(Exported.class);
            if (e == null || m.getDeclaringClass() == Object.class) {
                continue;
            }
            assertThat(m.getParameterCount()).as(m + " takes no argument").isZero();
            assertThat(Modifier.isStatic(m.getModifiers())).as(m + " is not static").isFalse();
            String name = !e.name().isEmpty() ? e.name() : Introspector.decapitalize(
                    m.getName().startsWith("is") ? m.getName().substring(2) : m.getName().substring(3));
            out.put(name, e.visibility() != 0 ? e.visibility() : bean.defaultVisibility());
            assertExportable(m.getGenericReturnType(), m.toString());
        }
        return out;
    }

    /** Stapler writes strings, numbers, booleans, maps and lists of those, and exported beans. */
    private static void assertExportable(Type type, String where) {
        if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                if (arg instanceof Class<?> c && c != Object.class) {
                    assertExportable(c, where);
                }
            }
            return;
        }
        Class<?> c = (Class<?>) type;
        boolean plain = c.isPrimitive() || c == String.class || Number.class.isAssignableFrom(c) || c == Boolean.class
                || Map.class.isAssignableFrom(c) || List.class.isAssignableFrom(c);
        assertThat(plain || c.isAnnotationPresent(ExportedBean.class)).as(where + " returns an exportable type").isTrue();
    }

    @Test
    void aRunExportsItsIdentityAtDepthZeroAndItsDetailsAtDepthOne() {
        assertThat(exported(FunctionRunAction.class)).isEqualTo(new TreeMap<>(Map.ofEntries(
                Map.entry("runId", 2), Map.entry("function", 2), Map.entry("version", 2), Map.entry("runtime", 2),
                Map.entry("action", 2), Map.entry("namespace", 2), Map.entry("state", 2), Map.entry("exitCode", 2),
                Map.entry("reason", 2), Map.entry("message", 2), Map.entry("serviceUrl", 2),
                Map.entry("imageDigest", 2), Map.entry("logOffset", 2), Map.entry("logUrl", 2), Map.entry("url", 2),
                Map.entry("artifacts", 3), Map.entry("inputs", 3),
                Map.entry("buildNumber", 2), Map.entry("buildUrl", 2),
                Map.entry("spec", 3), Map.entry("parameters", 3), Map.entry("outputs", 3), Map.entry("objects", 3),
                Map.entry("kubernetesObjects", 3), Map.entry("transitions", 3), Map.entry("trigger", 3),
                // observability (issue 12)
                Map.entry("traceId", 2), Map.entry("spanId", 2), Map.entry("resourceRequests", 3),
                Map.entry("resourceLimits", 3), Map.entry("pods", 3), Map.entry("usage", 3), Map.entry("links", 3))));
        assertThat(exported(StateTransition.class)).containsOnlyKeys("state", "time", "detail");
        assertThat(exported(KubernetesObject.class)).containsOnlyKeys("kind", "namespace", "name");
        assertThat(exported(RunLinkView.class)).containsOnlyKeys("name", "url");
        assertThat(exported(ResourceUsageView.class)).containsOnlyKeys("samples", "cpuPeakMillicores",
                "cpuMeanMillicores", "memoryPeakBytes", "memoryMeanBytes", "note");
        // artifacts and inputs (issue 13): the links are signed for each answer
        assertThat(exported(ArtifactView.class)).containsOnlyKeys("name", "uri", "size", "sha256",
                "mediaType", "consumedBy", "downloadUrl", "downloadUnavailable");
        assertThat(exported(InputView.class)).containsOnlyKeys("name", "uri", "producerRunId",
                "producerFunction");
    }

    @Test
    void theTriggerExportsWhatStartedTheBuild() {
        assertThat(exported(BuildTrigger.class)).containsOnlyKeys("kind", "description", "userId", "userName",
                "upstreamJob", "upstreamBuild", "upstreamUrl", "branch", "targetBranch", "mergeRequest", "commit",
                "gitlabAction", "repository");
    }

    @Test
    void theJobLevelPagesAndTheServicesExportTheirLists() {
        assertThat(exported(FunctionRunsAction.class)).containsOnlyKeys("runs", "next", "jobName");
        assertThat(exported(RunPage.class)).containsOnlyKeys("runs", "next", "buildsLoaded", "scanLimitReached",
                "errors");
        assertThat(exported(FunctionServicesAction.class)).containsOnlyKeys("services");
        assertThat(exported(ServiceEntry.class)).containsOnlyKeys("id", "function", "version", "runtime", "action",
                "namespace", "name", "kind", "url", "replicas", "readyReplicas", "runId", "buildId", "buildUrl",
                "stoppable", "outputs", "model", "modelUri", "engine", "image");
    }

    @Test
    void everyExportedFieldIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs/rest-api.md"));
        for (Class<?> type : List.of(FunctionRunAction.class, StateTransition.class,
                KubernetesObject.class, RunLinkView.class, ResourceUsageView.class,
                BuildTrigger.class, FunctionRunsAction.class, RunPage.class, ArtifactView.class,
                InputView.class,
                FunctionServicesAction.class, ServiceEntry.class)) {
            for (String name : exported(type).keySet()) {
                assertThat(doc).as(type.getSimpleName() + "." + name + " is in docs/rest-api.md")
                        .contains("`" + name + "`");
            }
        }
    }
}
