package io.jenkins.plugins.functions.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs a pod's main container as a local process, the way the kubelet would start it: its
 * ConfigMap volumes laid out as files (under a root folder standing for {@code /}), its env
 * resolved as the kubelet resolves it (plain values, and {@code secretKeyRef}s read from the
 * Secrets given, base64-decoded), its command with absolute paths moved under the root. For the
 * {@code python} runtime's runner, which needs only {@code python3}: the store it talks to is
 * whatever the env names (in tests, an {@link S3TestServer}).
 *
 * @param exitCode           the process's exit code
 * @param output             stdout and stderr, interleaved
 * @param terminationMessage what it wrote to its termination message path, or null
 */
public record LocalPod(int exitCode, String output, String terminationMessage) {

    /**
     * Runs the main container of the pod.
     *
     * @param configMaps the ConfigMaps and Secrets the pod refers to, by name
     * @param extraEnv   variables set after the container's (paths of the work folders under the root)
     */
    public static LocalPod run(PodSpec pod, Map<String, HasMetadata> objects, Path root, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        Container container = pod.getContainers().get(0);
        for (Volume v : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
            if (v.getConfigMap() == null) {
                continue;
            }
            ConfigMap cm = (ConfigMap) objects.get(v.getConfigMap().getName());
            String mount = container.getVolumeMounts().stream().filter(m -> m.getName().equals(v.getName()))
                    .findFirst().orElseThrow().getMountPath();
            for (KeyToPath item : v.getConfigMap().getItems()) {
                Path file = under(root, mount).resolve(item.getPath());
                Files.createDirectories(file.getParent());
                Files.writeString(file, cm.getData().get(item.getKey()), StandardCharsets.UTF_8);
            }
        }
        Function<String, String> moved = a -> a.startsWith("/") ? under(root, a).toString() : a;
        List<String> command = container.getCommand().stream().map(moved).toList();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv("PATH"));
        for (EnvVar e : container.getEnv()) {
            String value;
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                Secret secret = (Secret) objects.get(e.getValueFrom().getSecretKeyRef().getName());
                String encoded = secret == null ? null : secret.getData().get(e.getValueFrom().getSecretKeyRef().getKey());
                if (encoded == null) {
                    throw new IllegalStateException("CreateContainerConfigError: secret key " + e.getValueFrom()
                            .getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey() + " not found");
                }
                value = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            } else {
                value = e.getValue() == null ? "" : e.getValue();
                if (value.startsWith("/function")) {
                    value = moved.apply(value);
                }
            }
            pb.environment().put(e.getName(), value);
        }
        Path log = root.resolve("termination-log");
        pb.environment().put("FUNCTION_TERMINATION_LOG", log.toString());
        pb.environment().put("FUNCTION_INPUTS_DIR", root.resolve("function-work/inputs").toString());
        pb.environment().put("FUNCTION_ARTIFACTS_DIR", root.resolve("function-work/artifacts").toString());
        pb.environment().putAll(extraEnv);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the pod's process did not end within 120 s:\n" + output);
        }
        String message = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : null;
        return new LocalPod(process.exitValue(), output, message);
    }

    private static Path under(Path root, String absolute) {
        return root.resolve(absolute.substring(1));
    }
}
