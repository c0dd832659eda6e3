package io.jenkins.plugins.functions.spec;

import io.jenkins.plugins.functions.model.ContainerFunction.CredentialRef;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.PodOptions;
import io.jenkins.plugins.functions.model.Volume;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fields every runtime whose function runs in a pod shares, beside {@link CommonFields}:
 * {@code profile} (an administrator's profile, by name) and {@code volumes}. A runtime lists
 * {@link #FIELDS} among its allowed fields, reads them with {@link #read}, puts them into its
 * canonical form with {@link #canonical} and applies them with {@code runtime.ProfilePods} and
 * {@code runtime.PodVolumes}.
 *
 * <p>Also reads, from any validated spec, which Jenkins credentials its {@code env} uses
 * ({@link #credentialRefs}): the Jenkins layer resolves them before the run is planned.
 */
public final class PodFields {

    public static final String PROFILE = "profile";
    public static final String VOLUMES = "volumes";
    /** In the order messages list them. */
    public static final List<String> FIELDS = List.of(PROFILE, VOLUMES);

    public static final String PROFILE_RULE = "must be the name of a profile of the global configuration"
            + " (Manage Jenkins » System » Function Runtimes » Profiles): a DNS-1123 label such as gpu-small";
    static final String VOLUMES_RULE = "must be a list of volumes, each {name, mountPath, readOnly?, subPath?} and"
            + " exactly one of persistentVolumeClaim: {claimName}, emptyDir: {medium?, sizeLimit?},"
            + " configMap: {name, items?}, secret: {secretName}";
    static final String SOURCE_RULE = "must be exactly one of persistentVolumeClaim: {claimName}, emptyDir:"
            + " {medium?, sizeLimit?}, configMap: {name, items?}, secret: {secretName} (no hostPath: a function's"
            + " pod never mounts the node's files)";
    static final String MOUNT_PATH_RULE = "must be an absolute path such as /data: no '..' parts, no ':' and no"
            + " control characters, not / itself";
    static final String SUB_PATH_RULE = "must be a relative path inside the volume such as reports/2024: no"
            + " leading '/', no '..' parts, no control characters";
    static final String MEDIUM_RULE = "must be Memory (a tmpfs) or left out for the node's disk";
    static final String QUANTITY_RULE = "must be a Kubernetes quantity above 0 such as 512Mi or 2Gi";
    static final String ITEMS_RULE = "must be a list of {key, path}: a ConfigMap key and the relative path it is"
            + " written to";
    static final String KEY_RULE = "must be a ConfigMap key: 1 to 253 characters of letters, digits, '-', '_', '.'";
    static final String READ_ONLY_RULE = "must be true or false";

    private static final List<String> VOLUME_FIELDS = List.of("name", "mountPath", "readOnly", "subPath",
            "persistentVolumeClaim", "emptyDir", "configMap", "secret");
    private static final List<String> SOURCES = List.of("persistentVolumeClaim", "emptyDir", "configMap", "secret");
    private static final Pattern QUANTITY = Pattern.compile(
            "\\+?(?:[0-9]{1,20}(?:\\.[0-9]{0,20})?|\\.[0-9]{1,20})(?:[eE][-+]?[0-9]{1,2}|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?");
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    /** More than any function needs; bounds the checks below. */
    public static final int MAX_VOLUMES = 32;

    private PodFields() {
    }

    /** The profile's name and the volumes of a function, checked. */
    public static PodOptions read(FunctionSpec spec) throws SpecException {
        Map<String, Object> fields = spec.fields();
        return new PodOptions(profile(fields.get(PROFILE)), volumes(fields.get(VOLUMES)));
    }

    /** {@code validated} with the pod fields of {@code original} in canonical form (left out when not given). */
    public static FunctionSpec canonical(FunctionSpec validated, FunctionSpec original) throws SpecException {
        PodOptions options = read(original);
        FunctionSpec spec = validated.withField(PROFILE, options.profile());
        List<Object> volumes = new ArrayList<>();
        for (Volume v : options.volumes()) {
            volumes.add(v.toMap());
        }
        return spec.withField(VOLUMES, volumes.isEmpty() ? null : volumes);
    }

    /** A profile name: a DNS-1123 label (whether it exists is the configuration's call), or null. */
    public static String profile(Object value) throws SpecException {
        if (value == null) {
            return null;
        }
        String name = Fields.text(value, PROFILE, PROFILE_RULE);
        if (!Names.isDns1123Label(name)) {
            throw new SpecException(PROFILE, name, PROFILE_RULE);
        }
        return name;
    }

    /**
     * The env variables of a validated function whose values come from Jenkins credentials, by
     * variable name, in order. Reads the canonical {@code env} list ({@code {name, credentialsId,
     * key?}} items), so it works for any runtime that writes env the way {@code container} does.
     */
    public static Map<String, CredentialRef> credentialRefs(FunctionSpec validated) {
        Map<String, CredentialRef> refs = new LinkedHashMap<>();
        if (validated.field("env") instanceof List<?> env) {
            for (Object item : env) {
                if (item instanceof Map<?, ?> m && m.get("name") instanceof String name
                        && m.get(CredentialRef.CREDENTIALS_ID) instanceof String id) {
                    Object key = m.get(CredentialRef.KEY);
                    refs.put(name, new CredentialRef(id, key instanceof String k ? k : null));
                }
            }
        }
        return refs;
    }

    static List<Volume> volumes(Object value) throws SpecException {
        if (value == null) {
            return List.of();
        }
        List<?> items = Fields.list(value, VOLUMES, VOLUMES_RULE);
        if (items.size() > MAX_VOLUMES) {
            throw new SpecException(VOLUMES, items.size() + " volumes", "at most " + MAX_VOLUMES + " volumes");
        }
        List<Volume> volumes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String field = Fields.index(VOLUMES, i);
            Volume v = volume(Fields.mapping(items.get(i), field, VOLUMES_RULE), field);
            if (!names.add(v.name())) {
                throw new SpecException(field + ".name", v.name(), "must be unique among the volumes");
            }
            String normal = normalize(v.mountPath());
            for (String other : paths) {
                if (normal.equals(other) || normal.startsWith(other + "/") || other.startsWith(normal + "/")) {
                    throw new SpecException(field + ".mountPath", v.mountPath(), "must not be the same as, inside"
                            + " or above another volume's mountPath (" + other + ")");
                }
            }
            paths.add(normal);
            volumes.add(v);
        }
        return volumes;
    }

    private static Volume volume(Map<String, Object> m, String field) throws SpecException {
        Fields.onlyKnown(m, field, VOLUME_FIELDS, "a volume (hostPath is never allowed)");
        if (m.get("name") == null) {
            throw new SpecException(field + ".name", null, Names.DNS_1123_LABEL_RULE);
        }
        String name = Names.dns1123Label(m.get("name"), field + ".name");
        String mountPath = mountPath(m.get("mountPath"), field + ".mountPath");
        boolean readOnly = false;
        if (m.get("readOnly") != null) {
            if (!(m.get("readOnly") instanceof Boolean b)) {
                throw new SpecException(field + ".readOnly", m.get("readOnly"), READ_ONLY_RULE);
            }
            readOnly = b;
        }
        String subPath = m.get("subPath") == null ? null : relativePath(m.get("subPath"), field + ".subPath",
                SUB_PATH_RULE);
        List<String> given = SOURCES.stream().filter(m::containsKey).toList();
        if (given.size() != 1) {
            throw new SpecException(field, given.isEmpty() ? "no source" : String.join(", ", given), SOURCE_RULE);
        }
        String kind = given.get(0);
        String at = field + "." + kind;
        Volume.Source source = switch (kind) {
            case "persistentVolumeClaim" -> {
                Map<String, Object> s = Fields.mapping(m.get(kind), at, "must be a mapping {claimName: <name>}");
                Fields.onlyKnown(s, at, List.of("claimName"), "a persistentVolumeClaim source");
                yield new Volume.PersistentVolumeClaim(required(s, "claimName", at));
            }
            case "emptyDir" -> emptyDir(m.get(kind), at);
            case "configMap" -> configMap(m.get(kind), at);
            default -> {
                Map<String, Object> s = Fields.mapping(m.get(kind), at, "must be a mapping {secretName: <name>}");
                Fields.onlyKnown(s, at, List.of("secretName"), "a secret source");
                yield new Volume.Secret(required(s, "secretName", at));
            }
        };
        return new Volume(name, mountPath, readOnly, subPath, source);
    }

    /** A DNS-1123 subdomain (the name of an object of the namespace), required. */
    private static String required(Map<String, Object> s, String key, String at) throws SpecException {
        if (s.get(key) == null) {
            throw new SpecException(at + "." + key, null, Names.DNS_1123_SUBDOMAIN_RULE);
        }
        return Names.dns1123Subdomain(s.get(key), at + "." + key);
    }

    private static Volume.EmptyDir emptyDir(Object value, String at) throws SpecException {
        Map<String, Object> s = value == null ? Map.of()
                : Fields.mapping(value, at, "must be a mapping {medium?: Memory, sizeLimit?: 1Gi}, or {}");
        Fields.onlyKnown(s, at, List.of("medium", "sizeLimit"), "an emptyDir source");
        String medium = null;
        if (s.get("medium") != null) {
            medium = Fields.text(s.get("medium"), at + ".medium", MEDIUM_RULE);
            if (medium.isEmpty()) {
                medium = null;
            } else if (!medium.equals("Memory")) {
                throw new SpecException(at + ".medium", medium, MEDIUM_RULE);
            }
        }
        String size = null;
        if (s.get("sizeLimit") != null) {
            size = Fields.scalarText(s.get("sizeLimit"), at + ".sizeLimit", QUANTITY_RULE);
            if (!QUANTITY.matcher(size).matches()
                    || new io.fabric8.kubernetes.api.model.Quantity(size).getNumericalAmount().signum() <= 0) {
                throw new SpecException(at + ".sizeLimit", size, QUANTITY_RULE);
            }
        }
        return new Volume.EmptyDir(medium, size);
    }

    private static Volume.ConfigMap configMap(Object value, String at) throws SpecException {
        Map<String, Object> s = Fields.mapping(value, at, "must be a mapping {name: <ConfigMap>, items?: [{key, path}]}");
        Fields.onlyKnown(s, at, List.of("name", "items"), "a configMap source");
        String name = required(s, "name", at);
        List<Volume.Item> items = new ArrayList<>();
        if (s.get("items") != null) {
            List<?> list = Fields.list(s.get("items"), at + ".items", ITEMS_RULE);
            Set<String> itemPaths = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String f = Fields.index(at + ".items", i);
                Map<String, Object> item = Fields.mapping(list.get(i), f, ITEMS_RULE);
                Fields.onlyKnown(item, f, List.of("key", "path"), "a configMap item");
                Object key = item.get("key");
                if (key == null || !CONFIG_MAP_KEY.matcher(Fields.scalarText(key, f + ".key", KEY_RULE)).matches()) {
                    throw new SpecException(f + ".key", key, KEY_RULE);
                }
                if (item.get("path") == null) {
                    throw new SpecException(f + ".path", null, SUB_PATH_RULE);
                }
                String path = relativePath(item.get("path"), f + ".path", SUB_PATH_RULE);
                if (!itemPaths.add(path)) {
                    throw new SpecException(f + ".path", path, "must be unique among the items");
                }
                items.add(new Volume.Item(String.valueOf(key), path));
            }
        }
        return new Volume.ConfigMap(name, items);
    }

    static String mountPath(Object value, String field) throws SpecException {
        if (value == null) {
            throw new SpecException(field, null, MOUNT_PATH_RULE);
        }
        String path = Fields.text(value, field, MOUNT_PATH_RULE);
        if (!path.startsWith("/") || path.length() > 4096 || normalize(path).equals("/") || path.contains(":")
                || CONTROL.matcher(path).find() || hasDotDot(path)) {
            throw new SpecException(field, path, MOUNT_PATH_RULE);
        }
        return path;
    }

    private static String relativePath(Object value, String field, String rule) throws SpecException {
        String path = Fields.scalarText(value, field, rule);
        if (path.isEmpty() || path.startsWith("/") || path.length() > 4096 || CONTROL.matcher(path).find()
                || hasDotDot(path)) {
            throw new SpecException(field, path, rule);
        }
        return path;
    }

    private static boolean hasDotDot(String path) {
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** A path without repeated or trailing slashes, to compare mount paths. */
    public static String normalize(String path) {
        String p = path.replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
