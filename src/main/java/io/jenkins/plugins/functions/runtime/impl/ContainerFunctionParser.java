package io.jenkins.plugins.functions.runtime.impl;

import io.fabric8.kubernetes.api.model.Quantity;
import io.jenkins.plugins.functions.model.ContainerFunction;
import io.jenkins.plugins.functions.model.ContainerFunction.CredentialRef;
import io.jenkins.plugins.functions.model.ContainerFunction.Env;
import io.jenkins.plugins.functions.model.ContainerFunction.PullPolicy;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.Resources;
import io.jenkins.plugins.functions.model.Resources.Amounts;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.spec.ArtifactFields;
import io.jenkins.plugins.functions.spec.CommonFields;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.PodFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and checks the fields of a {@code container} function into a {@link ContainerFunction}.
 * Every refusal is a {@link SpecException} with the field's path, the value and the rule.
 * Public so that runtimes built on a container (a profile, a language runtime) can reuse it.
 */
public final class ContainerFunctionParser {

    public static final String IMAGE = "image";
    public static final String COMMAND = "command";
    public static final String ARGS = "args";
    public static final String ENV = "env";
    public static final String WORKING_DIR = "workingDir";
    public static final String IMAGE_PULL_POLICY = "imagePullPolicy";
    public static final String RESOURCES = "resources";
    public static final String SERVICE_ACCOUNT = "serviceAccount";

    /** The fields of a container function, in the order messages list them. */
    public static final List<String> FIELDS = Stream.concat(Stream.concat(CommonFields.ALL.stream(),
            Stream.of(IMAGE, COMMAND, ARGS, ENV, WORKING_DIR, IMAGE_PULL_POLICY, RESOURCES, SERVICE_ACCOUNT)),
            Stream.concat(ServiceSettingsParser.FIELDS.stream(), Stream.concat(PodFields.FIELDS.stream(),
                    ArtifactFields.FIELDS.stream())))
            .toList();

    /** Names the engine sets in every function's environment. */
    public static final String RESERVED_ENV_PREFIX = "FUNCTION_";

    static final String IMAGE_RULE = "must be an image reference such as busybox:1.36,"
            + " registry.example.com:5000/team/app:1.2 or app@sha256:<64 hex digits>: no spaces, an optional"
            + " registry host[:port]/, a lowercase repository path, an optional :tag (letters, digits, '_', '.',"
            + " '-', at most 128) and an optional @sha256: digest";
    static final String LIST_RULE = "must be a list of strings, such as [sh, -c, 'echo hello']";
    static final String ITEM_RULE = "must be text (numbers and true/false are taken as text)";
    static final String ENV_RULE = "must be a list of {name, value} such as [{name: LOG_LEVEL, value: debug}],"
            + " or a mapping of names to values such as {LOG_LEVEL: debug}; a value from a Jenkins credential is"
            + " {credentialsId: <id>} (and key: username or password for a username with password)";
    static final String ENV_ITEM_RULE = "must be a mapping {name: ..., value: ...} or {name: ..., credentialsId: ...,"
            + " key: ...}";
    static final String CREDENTIAL_RULE = "must be a mapping {credentialsId: <id of a Jenkins credential>} for a"
            + " secret text or secret file, or {credentialsId: <id>, key: username|password} for a username with"
            + " password";
    static final String CREDENTIALS_ID_RULE = "must be the id of a Jenkins credential: 1 to 256 characters, no"
            + " spaces or control characters";
    static final String KEY_RULE = "must be username or password (the part of a username with password"
            + " credential the variable takes)";
    static final String WORKING_DIR_RULE = "must be an absolute path such as /workspace, without control characters";
    static final String PULL_POLICY_RULE = "must be one of Always, IfNotPresent, Never";
    static final String RESOURCES_RULE = "must be a mapping with requests and/or limits";
    static final String AMOUNTS_RULE = "must be a mapping with cpu, memory and/or gpu, such as {cpu: 500m, memory: 256Mi}";
    static final String QUANTITY_RULE = "must be a Kubernetes quantity of at least 0: a number with an optional"
            + " suffix (m, k, M, G, T, Ki, Mi, Gi, Ti, ...), such as 250m or 1.5 for cpu and 128Mi or 1Gi for memory";
    static final String GPU_RULE = "must be a whole number of GPUs, at least 1, such as 1";

    private static final Pattern IMAGE_REFERENCE;

    static {
        String domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        String domain = domainComponent + "(?:\\." + domainComponent + ")*(?::[0-9]+)?";
        String pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
        String name = "(?:" + domain + "/)?" + pathComponent + "(?:/" + pathComponent + ")*";
        String tag = "[\\w][\\w.-]{0,127}";
        String digest = "sha256:[0-9a-f]{64}";
        IMAGE_REFERENCE = Pattern.compile(name + "(?::" + tag + ")?(?:@" + digest + ")?");
    }

    /** The longest image reference accepted; Docker caps the name at 255. */
    private static final int MAX_IMAGE = 512;
    /** Long enough for any real quantity; bounds the arithmetic of the request/limit check. */
    private static final Pattern QUANTITY = Pattern.compile(
            "\\+?(?:[0-9]{1,20}(?:\\.[0-9]{0,20})?|\\.[0-9]{1,20})(?:[eE][-+]?[0-9]{1,2}|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,6}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private ContainerFunctionParser() {
    }

    /**
     * Reads a container function, refusing fields it does not know.
     *
     * @param what how messages name this kind of function, such as {@code "a 'container' function"}
     */
    public static ContainerFunction parse(FunctionSpec spec, String what) throws SpecException {
        Map<String, Object> fields = spec.fields();
        Fields.onlyKnown(fields, "", FIELDS, what);
        String name = CommonFields.name(spec.name());
        String description = CommonFields.description(fields.get(CommonFields.DESCRIPTION));
        Map<String, String> labels = labels(fields.get(CommonFields.LABELS));
        return new ContainerFunction(
                name,
                description,
                labels,
                image(fields.get(IMAGE)),
                strings(fields.get(COMMAND), COMMAND),
                strings(fields.get(ARGS), ARGS),
                env(fields.get(ENV)),
                workingDir(fields.get(WORKING_DIR)),
                pullPolicy(fields.get(IMAGE_PULL_POLICY)),
                resources(fields.get(RESOURCES)),
                fields.get(SERVICE_ACCOUNT) == null ? null
                        : Names.dns1123Subdomain(fields.get(SERVICE_ACCOUNT), SERVICE_ACCOUNT));
    }

    /** The function's own labels ({@link CommonFields#labels}), none of them one of the engine's. */
    static Map<String, String> labels(Object value) throws SpecException {
        Map<String, String> labels = CommonFields.labels(value);
        for (String key : labels.keySet()) {
            if (RunLabels.isReserved(key)) {
                throw new SpecException(Fields.path(CommonFields.LABELS, key), key, "must not be one of the engine's"
                        + " own labels (" + RunLabels.PREFIX + "*, " + RunLabels.MANAGED_BY + ")");
            }
        }
        return labels;
    }

    /** The function's {@code image}: an image reference to pull. */
    public static String image(Object value) throws SpecException {
        return image(value, IMAGE);
    }

    /**
     * An image reference to pull, in another field (a python function's {@code baseImage}, the
     * configuration's builder image): the same rule as {@code image}.
     */
    public static String image(Object value, String field) throws SpecException {
        if (value == null) {
            throw new SpecException(field, null, IMAGE_RULE);
        }
        String image = Fields.text(value, field, IMAGE_RULE);
        if (image.length() > MAX_IMAGE || !IMAGE_REFERENCE.matcher(image).matches()) {
            throw new SpecException(field, image, IMAGE_RULE);
        }
        return image;
    }

    static List<String> strings(Object value, String field) throws SpecException {
        if (value == null) {
            return List.of();
        }
        List<?> items = Fields.list(value, field, LIST_RULE);
        List<String> strings = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            strings.add(Fields.scalarText(items.get(i), Fields.index(field, i), ITEM_RULE));
        }
        return strings;
    }

    /** A list keeps its order; a mapping becomes a list sorted by name (see {@link ContainerFunction}). */
    static List<Env> env(Object value) throws SpecException {
        if (value == null) {
            return List.of();
        }
        List<Env> env = new ArrayList<>();
        if (value instanceof Map<?, ?>) {
            Map<String, Object> byName = new TreeMap<>(Fields.mapping(value, ENV, ENV_RULE));
            for (Map.Entry<String, Object> e : byName.entrySet()) {
                String field = Fields.path(ENV, e.getKey());
                checkEnvName(e.getKey(), field);
                if (e.getValue() instanceof Map<?, ?>) {
                    Map<String, Object> ref = Fields.mapping(e.getValue(), field, CREDENTIAL_RULE);
                    Fields.onlyKnown(ref, field, List.of(CredentialRef.CREDENTIALS_ID, CredentialRef.KEY),
                            "a value from a credential");
                    env.add(new Env(e.getKey(), null, credential(ref, field)));
                    continue;
                }
                env.add(new Env(e.getKey(), e.getValue() == null ? "" : Fields.scalarText(e.getValue(), field, ITEM_RULE)));
            }
            return env;
        }
        List<?> items = Fields.list(value, ENV, ENV_RULE);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String field = Fields.index(ENV, i);
            Map<String, Object> item = Fields.mapping(items.get(i), field, ENV_ITEM_RULE);
            Fields.onlyKnown(item, field, List.of("name", "value", CredentialRef.CREDENTIALS_ID, CredentialRef.KEY),
                    "an env item");
            Object name = item.get("name");
            String nameField = field + ".name";
            if (name == null) {
                throw new SpecException(nameField, null, Names.ENV_NAME_RULE);
            }
            String text = Fields.text(name, nameField, Names.ENV_NAME_RULE);
            checkEnvName(text, nameField);
            if (!seen.add(text)) {
                throw new SpecException(nameField, text, "must be unique: each variable may be set once");
            }
            Object v = item.get("value");
            if (item.containsKey(CredentialRef.CREDENTIALS_ID) || item.containsKey(CredentialRef.KEY)) {
                if (v != null) {
                    throw new SpecException(field + ".value", v, "must be left out when the value comes from a"
                            + " credential (credentialsId): a variable has one value");
                }
                env.add(new Env(text, null, credential(item, field)));
                continue;
            }
            env.add(new Env(text, v == null ? "" : Fields.scalarText(v, field + ".value", ITEM_RULE)));
        }
        return env;
    }

    /** {@code credentialsId} and the optional {@code key} of an env value from a credential. */
    private static CredentialRef credential(Map<String, Object> ref, String field) throws SpecException {
        String idField = Fields.path(field, CredentialRef.CREDENTIALS_ID);
        Object idValue = ref.get(CredentialRef.CREDENTIALS_ID);
        if (idValue == null) {
            throw new SpecException(idField, null, CREDENTIALS_ID_RULE);
        }
        String id = Fields.scalarText(idValue, idField, CREDENTIALS_ID_RULE);
        if (id.isEmpty() || id.length() > 256 || id.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new SpecException(idField, id, CREDENTIALS_ID_RULE);
        }
        String key = null;
        if (ref.get(CredentialRef.KEY) != null) {
            String keyField = Fields.path(field, CredentialRef.KEY);
            key = Fields.text(ref.get(CredentialRef.KEY), keyField, KEY_RULE);
            if (!key.equals(CredentialRef.USERNAME) && !key.equals(CredentialRef.PASSWORD)) {
                throw new SpecException(keyField, key, KEY_RULE);
            }
        }
        return new CredentialRef(id, key);
    }

    /** An environment variable's name: the syntax, and not one of the engine's own ({@code FUNCTION_*}). */
    public static void checkEnvName(String name, String field) throws SpecException {
        if (!Names.isEnvName(name)) {
            throw new SpecException(field, name, Names.ENV_NAME_RULE);
        }
        if (name.startsWith(RESERVED_ENV_PREFIX)) {
            throw new SpecException(field, name, "must not start with " + RESERVED_ENV_PREFIX
                    + ": the engine sets FUNCTION_NAME, FUNCTION_VERSION, FUNCTION_RUN_ID, FUNCTION_PARAMETERS"
                    + " and keeps the prefix for more");
        }
    }

    public static String workingDir(Object value) throws SpecException {
        if (value == null) {
            return null;
        }
        String dir = Fields.text(value, WORKING_DIR, WORKING_DIR_RULE);
        if (!dir.startsWith("/") || dir.length() > 4096 || CONTROL.matcher(dir).find()) {
            throw new SpecException(WORKING_DIR, dir, WORKING_DIR_RULE);
        }
        return dir;
    }

    public static PullPolicy pullPolicy(Object value) throws SpecException {
        if (value == null) {
            return null;
        }
        PullPolicy policy = PullPolicy.fromValue(Fields.text(value, IMAGE_PULL_POLICY, PULL_POLICY_RULE));
        if (policy == null) {
            throw new SpecException(IMAGE_PULL_POLICY, value, PULL_POLICY_RULE);
        }
        return policy;
    }

    /**
     * Requests and limits. A GPU request is moved to the limits (Kubernetes wants extended
     * resources as limits, a request equal to the limit if any); a request above its limit is refused.
     * Public for the profiles' default resources, read the same way.
     */
    public static Resources resources(Object value) throws SpecException {
        if (value == null) {
            return Resources.NONE;
        }
        Map<String, Object> map = Fields.mapping(value, RESOURCES, RESOURCES_RULE);
        Fields.onlyKnown(map, RESOURCES, List.of("requests", "limits"), "resources");
        Amounts requests = amounts(map.get("requests"), RESOURCES + ".requests", false);
        Amounts limits = amounts(map.get("limits"), RESOURCES + ".limits", true);

        checkNotAbove(requests.cpu(), limits.cpu(), "cpu");
        checkNotAbove(requests.memory(), limits.memory(), "memory");
        String gpu = limits.gpu();
        if (requests.gpu() != null) {
            if (gpu != null && new BigDecimal(requests.gpu()).compareTo(new BigDecimal(gpu)) != 0) {
                throw new SpecException(RESOURCES + ".requests.gpu", requests.gpu(), "must equal resources.limits.gpu ("
                        + gpu + "): Kubernetes takes GPUs as limits, a request must match the limit");
            }
            gpu = requests.gpu();
        }
        return new Resources(new Amounts(requests.cpu(), requests.memory(), null),
                new Amounts(limits.cpu(), limits.memory(), gpu));
    }

    private static Amounts amounts(Object value, String field, boolean limits) throws SpecException {
        if (value == null) {
            return Amounts.NONE;
        }
        Map<String, Object> map = Fields.mapping(value, field, AMOUNTS_RULE);
        Fields.onlyKnown(map, field, List.of("cpu", "memory", "gpu"), field);
        return new Amounts(quantity(map.get("cpu"), field + ".cpu", limits),
                quantity(map.get("memory"), field + ".memory", limits),
                gpu(map.get("gpu"), field + ".gpu"));
    }

    private static String quantity(Object value, String field, boolean limit) throws SpecException {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String) && !(value instanceof Number)) {
            throw new SpecException(field, value, QUANTITY_RULE);
        }
        String text = Fields.scalarText(value, field, QUANTITY_RULE);
        if (!QUANTITY.matcher(text).matches()) {
            throw new SpecException(field, text, QUANTITY_RULE);
        }
        if (limit && amount(text).signum() == 0) {
            throw new SpecException(field, text, "must be more than 0: a limit of 0 would leave the container"
                    + " nothing to run with (leave the limit out for none)");
        }
        return text;
    }

    private static String gpu(Object value, String field) throws SpecException {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String) && !(value instanceof Number)) {
            throw new SpecException(field, value, GPU_RULE);
        }
        String text = Fields.scalarText(value, field, GPU_RULE);
        if (!WHOLE_NUMBER.matcher(text).matches() || Long.parseLong(text) < 1) {
            throw new SpecException(field, text, GPU_RULE);
        }
        return Long.toString(Long.parseLong(text));
    }

    private static void checkNotAbove(String request, String limit, String what) throws SpecException {
        if (request != null && limit != null && amount(request).compareTo(amount(limit)) > 0) {
            throw new SpecException(RESOURCES + ".requests." + what, request, "must not be above resources.limits."
                    + what + " (" + limit + "): Kubernetes refuses a request above its limit");
        }
    }

    private static BigDecimal amount(String quantity) {
        return new Quantity(quantity).getNumericalAmount();
    }
}
