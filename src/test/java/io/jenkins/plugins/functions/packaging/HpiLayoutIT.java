package io.jenkins.plugins.functions.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import net.java.sezpoz.Index;
import net.java.sezpoz.IndexItem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opens the built {@code target/function-runtimes.hpi} and checks it is what Jenkins loads: the
 * manifest, the layout, the inner jar with its own copy of the manifest, the SezPoz index listing
 * every {@code @Extension}, the {@code @Symbol} index, and nothing that must not ship (signature
 * classes, fabric8, Jackson, SnakeYAML).
 */
class HpiLayoutIT {

    private static final Path HPI = Path.of("target", "function-runtimes.hpi");
    private static final String INNER_JAR = "WEB-INF/lib/function-runtimes.jar";

    private static Manifest hpiManifest;
    private static Set<String> hpiEntries;
    private static Manifest jarManifest;
    private static Map<String, byte[]> jarEntries;

    @BeforeAll
    static void open() throws IOException {
        assertThat(HPI).as("mvn package writes the .hpi").exists();
        try (ZipFile zip = new ZipFile(HPI.toFile())) {
            hpiEntries = new HashSet<>();
            zip.stream().map(ZipEntry::getName).forEach(hpiEntries::add);
            try (InputStream in = zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF"))) {
                hpiManifest = new Manifest(in);
            }
            ZipEntry inner = zip.getEntry(INNER_JAR);
            assertThat(inner).as(INNER_JAR).isNotNull();
            byte[] jar = zip.getInputStream(inner).readAllBytes();
            jarEntries = new LinkedHashMap<>();
            try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
                jarManifest = in.getManifest();
            }
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    jarEntries.put(e.getName(), in.readAllBytes());
                }
            }
        }
    }

    @Test
    void manifestHasWhatJenkinsReads() {
        Attributes a = hpiManifest.getMainAttributes();
        assertThat(a.getValue("Manifest-Version")).isEqualTo("1.0");
        assertThat(a.getValue("Short-Name")).isEqualTo("function-runtimes");
        assertThat(a.getValue("Long-Name")).isEqualTo("Function Runtimes");
        assertThat(a.getValue("Plugin-Version")).isNotBlank();
        assertThat(a.getValue("Jenkins-Version")).isEqualTo("2.462.2");
        assertThat(a.getValue("Hudson-Version")).isEqualTo("2.462.2");
        assertThat(a.getValue("Url")).startsWith("https://");
        assertThat(a.getValue("Group-Id")).isEqualTo("io.jenkins.plugins");
        assertThat(a.getValue("Artifact-Id")).isEqualTo("function-runtimes");
        assertThat(a.getValue("Plugin-Class")).as("no hudson.Plugin subclass").isNull();
        assertThat(List.of(a.getValue("Plugin-Dependencies").split(","))).containsExactlyInAnyOrder(
                "workflow-step-api:678.v3ee58b_469476",
                "structs:338.v848422169819",
                "credentials:1371.vfee6b_095f0a_3",
                "plain-credentials:183.va_de8f1dd5a_2b_",
                "kubernetes-client-api:6.10.0-240.v57880ce8b_0b_2",
                "jackson2-api:2.17.0-379.v02de8ec9f64c",
                "snakeyaml-api:2.2-121.v5a_68b_9300b_d4",
                "kubernetes:4285.v50ed5f624918;resolution:=optional",
                "metrics:4.2.21-451.vd51df8df52ec;resolution:=optional");
    }

    @Test
    void innerJarCarriesTheSamePluginManifest() {
        Attributes hpi = hpiManifest.getMainAttributes();
        Attributes jar = jarManifest.getMainAttributes();
        for (String key : List.of("Short-Name", "Long-Name", "Plugin-Version", "Jenkins-Version",
                "Plugin-Dependencies", "Group-Id", "Artifact-Id", "Url")) {
            assertThat(jar.getValue(key)).as(key).isEqualTo(hpi.getValue(key));
        }
    }

    @Test
    void layoutIsIndexJellyAndOneJar() {
        assertThat(hpiEntries).contains("index.jelly", INNER_JAR, "META-INF/MANIFEST.MF");
        assertThat(hpiEntries).noneMatch(e -> e.startsWith("WEB-INF/classes/"));
        assertThat(hpiEntries.stream().filter(e -> e.startsWith("WEB-INF/lib/") && e.endsWith(".jar"))
                .filter(e -> !e.startsWith("WEB-INF/lib/function-runtimes.jar")))
                .as("besides the plugin's own jar only the S3 client (AWS SDK v2): fabric8, Jackson and SnakeYAML"
                        + " come from API plugins")
                .allMatch(e -> e.matches("WEB-INF/lib/(s3|sdk-core|aws-core|auth|regions|utils|utils-lite|"
                        + "url-connection-client|http-client-spi|http-auth|http-auth-aws|http-auth-aws-eventstream|"
                        + "http-auth-spi|identity-spi|annotations|arns|aws-query-protocol|aws-xml-protocol|checksums|"
                        + "checksums-spi|crt-core|endpoints-spi|eventstream|json-utils|metrics-spi|profiles|"
                        + "protocol-core|retries|retries-spi|third-party-jackson-core)-2\\.[0-9.]+\\.jar"
                        + "|WEB-INF/lib/reactive-streams-1\\.[0-9.]+\\.jar"))
                .noneMatch(e -> e.contains("fabric8") || e.contains("jackson-databind") || e.contains("snakeyaml")
                        || e.contains("slf4j"));
        assertThat(hpiEntries).contains("WEB-INF/lib/s3-2.59.1.jar");
    }

    @Test
    void jarHoldsOnlyThePluginsOwnClasses() {
        List<String> classes = jarEntries.keySet().stream().filter(e -> e.endsWith(".class")).toList();
        assertThat(classes).isNotEmpty();
        assertThat(classes).as("no signature class (hudson, jenkins, org.kohsuke, ...) and no bundled library")
                .allMatch(e -> e.startsWith("io/jenkins/plugins/functions/"));
        assertThat(jarEntries.keySet()).anyMatch(e -> e.endsWith("/config.jelly"));
        assertThat(jarEntries.keySet()).anyMatch(e -> e.endsWith("/summary.jelly"));
        assertThat(jarEntries.keySet()).anyMatch(e -> e.endsWith(".html"));
    }

    @Test
    void sezpozIndexListsEveryExtension() throws Exception {
        byte[] index = jarEntries.get("META-INF/annotations/hudson.Extension");
        assertThat(index).as("SezPoz index of @Extension").isNotNull();
        Set<String> indexed = readSezpozIndex(index);
        Set<String> annotated = classesAnnotatedWith("hudson.Extension");
        assertThat(annotated).isNotEmpty();
        assertThat(indexed).containsExactlyInAnyOrderElementsOf(annotated);
    }

    @Test
    void symbolIndexListsEverySymbol() throws Exception {
        byte[] index = jarEntries.getOrDefault("META-INF/annotations/org.jenkinsci.Symbol",
                jarEntries.get("META-INF/services/annotations/org.jenkinsci.Symbol"));
        assertThat(index).as("annotation-indexer index of @Symbol").isNotNull();
        Set<String> listed = new HashSet<>(List.of(new String(index, StandardCharsets.UTF_8).strip().split("\\s+")));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(classesAnnotatedWith("org.jenkinsci.Symbol"));
        assertThat(listed).contains("io.jenkins.plugins.functions.jenkins.steps.RunFunctionStep$DescriptorImpl");
    }

    /** SezPoz's own reader, over the index bytes, with a class loader that has no Jenkins. */
    private static Set<String> readSezpozIndex(byte[] index) throws IOException {
        Path dir = Files.createTempDirectory("sezpoz");
        Path file = dir.resolve("META-INF/annotations/hudson.Extension");
        Files.createDirectories(file.getParent());
        Files.write(file, index);
        Set<String> names = new HashSet<>();
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
                HpiLayoutIT.class.getClassLoader())) {
            @SuppressWarnings("unchecked")
            Class<? extends Annotation> extension = (Class<? extends Annotation>) Class.forName("hudson.Extension");
            for (IndexItem<? extends Annotation, Object> item : Index.load(extension, Object.class, loader)) {
                names.add(item.className());
            }
        } catch (ClassNotFoundException e) {
            throw new AssertionError("hudson.Extension signature class is on the test class path", e);
        }
        return names;
    }

    /**
     * Binary names of the jar's classes that carry the annotation, found by reflection: the
     * plugin's classes are on the test class path, with the signature classes beside them.
     */
    private static Set<String> classesAnnotatedWith(String annotationName) throws ClassNotFoundException {
        @SuppressWarnings("unchecked")
        Class<? extends Annotation> annotation = (Class<? extends Annotation>) Class.forName(annotationName);
        Set<String> found = new HashSet<>();
        for (String entry : jarEntries.keySet()) {
            if (!entry.endsWith(".class") || entry.equals("module-info.class")) {
                continue;
            }
            String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
            Class<?> type = Class.forName(name, false, HpiLayoutIT.class.getClassLoader());
            if (type.isAnnotationPresent(annotation)) {
                found.add(name);
            }
        }
        return found;
    }
}
