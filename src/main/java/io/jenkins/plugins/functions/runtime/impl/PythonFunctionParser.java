package io.jenkins.plugins.functions.runtime.impl;

import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.PythonFunction;
import io.jenkins.plugins.functions.model.PythonFunction.Files;
import io.jenkins.plugins.functions.model.PythonFunction.Git;
import io.jenkins.plugins.functions.model.PythonFunction.Handler;
import io.jenkins.plugins.functions.model.PythonFunction.Source;
import io.jenkins.plugins.functions.model.PythonFunction.WorkspacePath;
import io.jenkins.plugins.functions.spec.CommonFields;
import io.jenkins.plugins.functions.spec.Fields;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.ArtifactFields;
import io.jenkins.plugins.functions.spec.PodFields;
import io.jenkins.plugins.functions.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and checks the fields of a {@code python} function into a {@link PythonFunction}. Every
 * refusal is a {@link SpecException} with the field's path, the value and the rule. The fields it
 * shares with the {@code container} runtime ({@code image}, {@code env}, {@code imagePullPolicy},
 * {@code resources}, {@code serviceAccount}, labels) are checked by {@link ContainerFunctionParser}.
 */
public final class PythonFunctionParser {

    public static final String SOURCE = "source";
    public static final String HANDLER = "handler";
    public static final String REQUIREMENTS = "requirements";
    public static final String PYTHON_VERSION = "pythonVersion";

    /** The fields of a python function, in the order messages list them. */
    public static final List<String> FIELDS = Stream.of(CommonFields.ALL.stream(),
            Stream.of(SOURCE, HANDLER, REQUIREMENTS, PYTHON_VERSION, ContainerFunctionParser.IMAGE,
                    ContainerFunctionParser.ENV, ContainerFunctionParser.IMAGE_PULL_POLICY,
                    ContainerFunctionParser.RESOURCES, ContainerFunctionParser.SERVICE_ACCOUNT,
                    // for serve only, as for a container function (a python function has no readinessProbe)
                    ServiceSettingsParser.PORTS, ServiceSettingsParser.REPLICAS, ServiceSettingsParser.SERVICE_TYPE),
            PodFields.FIELDS.stream(), ArtifactFields.FIELDS.stream()).flatMap(s -> s)
            .toList();

    /** The Python versions a function may ask for, oldest first. */
    public static final List<String> PYTHON_VERSIONS = List.of("3.10", "3.11", "3.12", "3.13");
    public static final String DEFAULT_PYTHON_VERSION = "3.12";
    /** The file inline {@code code} becomes. */
    public static final String INLINE_FILE = "main.py";
    /**
     * The most source a function may carry inline (ConfigMap keys and text, UTF-8): it travels in
     * a ConfigMap, whose data Kubernetes caps at 1 MiB, next to the runner.
     */
    public static final int MAX_SOURCE_BYTES = 512 * 1024;
    public static final int MAX_REQUIREMENTS = 200;
    /** ConfigMap keys: Kubernetes' limit. */
    static final int MAX_KEY = 253;
    /** The ConfigMap key prefix of code files: the key is the path under {@code /function}. */
    static final String CODE_KEY_PREFIX = "code__";

    static final String SOURCE_KEYS_RULE = "must be a mapping with exactly one of code (the text of main.py),"
            + " files ({path: text}), path (a file or folder of the workspace) or git ({url, ref, path})";
    static final String CODE_RULE = "must be the Python code of main.py, as text (a YAML block: 'code: |')";
    static final String FILES_RULE = "must be a mapping of relative file paths to their text, such as"
            + " {main.py: '...', pkg/util.py: '...'}, with at least one file";
    static final String PATH_RULE = "must be a relative path such as main.py or src/pkg/util.py: parts of letters,"
            + " digits, '.', '_' and '-' separated by '/', no '.' or '..' parts, no leading or trailing '/'";
    static final String GIT_RULE = "must be a mapping {url: https://..., ref: <branch, tag or commit>, path: <folder>}";
    static final String GIT_URL_RULE = "must be an https:// URL of a git repository, such as"
            + " https://github.com/org/repo.git, without credentials, spaces or quotes";
    static final String GIT_REF_RULE = "must be a branch, tag or commit such as main, v1.2.0 or a commit hash:"
            + " letters, digits, '.', '_', '-', '+' and '/', not starting with '-' or '/', no '..'";
    static final String HANDLER_RULE = "must be module:function, such as main:handler or app.handlers:run (a dotted"
            + " module path, a function name: letters, digits and '_', not starting with a digit), or a mapping"
            + " {function: module:function, init: <function of the same module called once first>}";
    static final String READINESS_PROBE_RULE = "must be left out of a python function: a served python function's"
            + " readiness probe is the runner's GET /healthz on its port, which answers 200 once the code is loaded"
            + " and the init function has run";
    static final String INIT_RULE = "must be the name of a function of the handler's module: letters, digits and"
            + " '_', not starting with a digit, such as init";
    static final String REQUIREMENTS_RULE = "must be a list of pip requirements, such as [requests==2.32.3,"
            + " 'pandas>=2,<3']";
    static final String REQUIREMENT_RULE = "must be one pip requirement such as requests, requests==2.32.3,"
            + " 'pandas>=2,<3', 'uvicorn[standard]' or 'tomli; python_version < \"3.11\"': a package name, optional"
            + " [extras], version specifiers or '@ https://...', an optional '; marker'; spaces only around"
            + " specifiers and markers; no pip options (-r, --index-url), no shell characters (| & $ `), no line breaks";
    static final String PYTHON_VERSION_RULE = "must be one of " + String.join(", ", PYTHON_VERSIONS)
            + ", as quoted text";

    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Pattern MODULE_FUNCTION =
            Pattern.compile("(" + IDENTIFIER + "(?:\\." + IDENTIFIER + ")*):(" + IDENTIFIER + ")");
    private static final Pattern NAME = Pattern.compile(IDENTIFIER);
    private static final Pattern PATH_PART = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern GIT_URL = Pattern.compile(
            "https://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%+:@/-]*)?");
    private static final Pattern GIT_REF = Pattern.compile("[A-Za-z0-9._+][A-Za-z0-9._+/-]*");
    private static final Pattern REQUIREMENT;

    static {
        String name = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
        String extras = "\\[ *(?:" + name + "(?: *, *" + name + ")*)? *\\]";
        String spec = "(?:~=|===|==|!=|<=|>=|<|>) *[A-Za-z0-9.*+!_-]+";
        String specs = spec + "(?: *, *" + spec + ")*";
        String url = "@ *[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9._~%+:@/#?=!-]+";
        String marker = "; *[A-Za-z0-9_.<>=!~ '\"(),-]+";
        REQUIREMENT = Pattern.compile(name + " *(?:" + extras + ")? *(?:" + specs + "|\\( *" + specs + " *\\)|" + url
                + ")? *(?:" + marker + ")?");
    }

    private static final int MAX_REQUIREMENT = 500;
    private static final int MAX_GIT_URL = 2048;
    private static final int MAX_GIT_REF = 255;

    private PythonFunctionParser() {
    }

    /**
     * Reads a python function, refusing fields it does not know.
     *
     * @param what how messages name this kind of function, such as {@code "a 'python' function"}
     */
    public static PythonFunction parse(FunctionSpec spec, String what) throws SpecException {
        Map<String, Object> fields = spec.fields();
        if (fields.containsKey(ServiceSettingsParser.READINESS_PROBE)) {
            throw new SpecException(ServiceSettingsParser.READINESS_PROBE, fields.get(ServiceSettingsParser.READINESS_PROBE),
                    READINESS_PROBE_RULE);
        }
        Fields.onlyKnown(fields, "", FIELDS, what);
        String name = CommonFields.name(spec.name());
        String description = CommonFields.description(fields.get(CommonFields.DESCRIPTION));
        Map<String, String> labels = ContainerFunctionParser.labels(fields.get(CommonFields.LABELS));
        Source source = source(fields.get(SOURCE));
        Handler handler = handler(fields.get(HANDLER));
        checkInitIsInTheCode(handler, source);
        List<String> requirements = requirements(fields.get(REQUIREMENTS));
        String version = pythonVersion(fields.get(PYTHON_VERSION));
        Object image = fields.get(ContainerFunctionParser.IMAGE);
        return new PythonFunction(
                name,
                description,
                labels,
                source,
                handler,
                requirements,
                version,
                image == null ? defaultImage(version, source) : ContainerFunctionParser.image(image),
                ContainerFunctionParser.env(fields.get(ContainerFunctionParser.ENV)),
                ContainerFunctionParser.pullPolicy(fields.get(ContainerFunctionParser.IMAGE_PULL_POLICY)),
                ContainerFunctionParser.resources(fields.get(ContainerFunctionParser.RESOURCES)),
                fields.get(ContainerFunctionParser.SERVICE_ACCOUNT) == null ? null
                        : Names.dns1123Subdomain(fields.get(ContainerFunctionParser.SERVICE_ACCOUNT),
                                ContainerFunctionParser.SERVICE_ACCOUNT));
    }

    /**
     * The image when the function names none: the official slim Python image, or the full one
     * for a git source, as the slim images have no {@code git}.
     */
    public static String defaultImage(String pythonVersion, Source source) {
        return "python:" + pythonVersion + (source instanceof Git ? "" : "-slim");
    }

    /** The ConfigMap key of a code file: its path under {@code /function}, with {@code /} as {@code __}. */
    static String codeKey(String path) {
        return CODE_KEY_PREFIX + path.replace("/", "__");
    }

    // ---- source -------------------------------------------------------------------------------

    static Source source(Object value) throws SpecException {
        if (value == null) {
            throw new SpecException(SOURCE, null, SOURCE_KEYS_RULE);
        }
        Map<String, Object> map = Fields.mapping(value, SOURCE, SOURCE_KEYS_RULE);
        Fields.onlyKnown(map, SOURCE, List.of("code", "files", "path", "git"), "source");
        if (map.size() != 1) {
            throw new SpecException(SOURCE, map.isEmpty() ? "{}" : String.join(" and ", map.keySet()),
                    SOURCE_KEYS_RULE);
        }
        Map.Entry<String, Object> only = map.entrySet().iterator().next();
        String field = Fields.path(SOURCE, only.getKey());
        return switch (only.getKey()) {
            case "code" -> {
                String code = Fields.text(only.getValue(), field, CODE_RULE);
                if (code.isBlank()) {
                    throw new SpecException(field, code, CODE_RULE + ", not empty");
                }
                yield checkSize(new Files(Map.of(INLINE_FILE, code)));
            }
            case "files" -> checkSize(files(only.getValue(), field));
            case "path" -> new WorkspacePath(relativePath(only.getValue(), field));
            default -> git(only.getValue(), field);
        };
    }

    private static Files files(Object value, String field) throws SpecException {
        Map<String, Object> map = Fields.mapping(value, field, FILES_RULE);
        if (map.isEmpty()) {
            throw new SpecException(field, "{}", FILES_RULE);
        }
        Map<String, String> files = new TreeMap<>();
        Map<String, String> byKey = new HashMap<>();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String fileField = Fields.path(field, e.getKey());
            String path = relativePath(e.getKey(), fileField);
            String key = codeKey(path);
            if (key.length() > MAX_KEY) {
                throw new SpecException(fileField, path, "must be at most " + (MAX_KEY - CODE_KEY_PREFIX.length())
                        + " characters long (with '/' counted as 2): files travel in a ConfigMap, whose keys are"
                        + " at most " + MAX_KEY + " characters");
            }
            String clash = byKey.put(key, path);
            if (clash != null) {
                throw new SpecException(fileField, path, "must not be the same path as '" + clash + "' once '/' is"
                        + " written '__' (files travel in a ConfigMap, whose keys cannot hold '/'): rename one");
            }
            files.put(path, Fields.text(e.getValue(), fileField, "must be the file's content, as text"));
        }
        return new Files(files);
    }

    /** The files' size as the ConfigMap holds them: keys ({@link #codeKey}) and text, in UTF-8. */
    private static Files checkSize(Files files) throws SpecException {
        long bytes = 0;
        for (Map.Entry<String, String> e : files.files().entrySet()) {
            bytes += codeKey(e.getKey()).getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_SOURCE_BYTES) {
            throw new SpecException(SOURCE, bytes + " bytes in " + files.files().size()
                    + (files.files().size() == 1 ? " file" : " files"), "at most " + MAX_SOURCE_BYTES
                    + " bytes (512 KiB) of inline source, as it travels in a ConfigMap (at most 1 MiB):"
                    + " keep larger code in a git repository (source.git) or in an image built with it");
        }
        return files;
    }

    /** A {@code /}-separated relative path without {@code .} or {@code ..} parts. */
    static String relativePath(Object value, String field) throws SpecException {
        String path = Fields.text(value, field, PATH_RULE);
        if (path.isEmpty() || path.length() > 4096) {
            throw new SpecException(field, path, PATH_RULE);
        }
        for (String part : path.split("/", -1)) {
            if (part.equals(".") || part.equals("..") || !PATH_PART.matcher(part).matches()) {
                throw new SpecException(field, path, PATH_RULE);
            }
        }
        return path;
    }

    private static Git git(Object value, String field) throws SpecException {
        Map<String, Object> map = Fields.mapping(value, field, GIT_RULE);
        Fields.onlyKnown(map, field, List.of("url", "ref", "path"), field);
        String urlField = field + ".url";
        Object urlValue = map.get("url");
        if (urlValue == null) {
            throw new SpecException(urlField, null, GIT_URL_RULE);
        }
        String url = Fields.text(urlValue, urlField, GIT_URL_RULE);
        int scheme = url.indexOf("://");
        int authorityEnd = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        String authority = scheme < 0 ? "" : url.substring(scheme + 3, authorityEnd < 0 ? url.length() : authorityEnd);
        if (authority.contains("@")) {
            throw new SpecException(urlField, url.replaceFirst("//[^/]*@", "//***@"), "must not contain credentials:"
                    + " the function is stored in build records and in the Job; only public repositories can be"
                    + " cloned for now");
        }
        if (url.length() > MAX_GIT_URL || !GIT_URL.matcher(url).matches()) {
            throw new SpecException(urlField, url, GIT_URL_RULE);
        }
        String refField = field + ".ref";
        Object refValue = map.get("ref");
        if (refValue == null) {
            throw new SpecException(refField, null, GIT_REF_RULE + " (required, so that a version of the function"
                    + " always runs the same code)");
        }
        if (refValue instanceof Number n) {
            throw new SpecException(refField, Fields.plainNumber(n), GIT_REF_RULE + ", as quoted text: YAML reads"
                    + " an unquoted 1.10 as the number 1.1");
        }
        String ref = Fields.text(refValue, refField, GIT_REF_RULE);
        if (ref.length() > MAX_GIT_REF || !GIT_REF.matcher(ref).matches() || ref.contains("..")
                || ref.endsWith("/") || ref.endsWith(".lock")) {
            throw new SpecException(refField, ref, GIT_REF_RULE);
        }
        Object path = map.get("path");
        return new Git(url, ref, path == null ? null : relativePath(path, field + ".path"));
    }

    // ---- handler, requirements, version -------------------------------------------------------

    public static Handler handler(Object value) throws SpecException {
        if (value == null) {
            throw new SpecException(HANDLER, null, HANDLER_RULE);
        }
        if (value instanceof Map<?, ?>) {
            Map<String, Object> map = Fields.mapping(value, HANDLER, HANDLER_RULE);
            Fields.onlyKnown(map, HANDLER, List.of("function", "init"), "handler");
            String functionField = HANDLER + ".function";
            Object function = map.get("function");
            if (function == null) {
                throw new SpecException(functionField, null, HANDLER_RULE);
            }
            Handler handler = moduleFunction(function, functionField);
            Object init = map.get("init");
            if (init == null) {
                return handler;
            }
            String initName = Fields.text(init, HANDLER + ".init", INIT_RULE);
            if (!NAME.matcher(initName).matches()) {
                throw new SpecException(HANDLER + ".init", initName, INIT_RULE);
            }
            if (initName.equals(handler.function())) {
                throw new SpecException(HANDLER + ".init", initName, "must not be the handler itself");
            }
            return new Handler(handler.module(), handler.function(), initName);
        }
        return moduleFunction(value, HANDLER);
    }

    /**
     * An init function the handler's module cannot have: the module's file is in the inline
     * source and does not even mention the name. Only then, as a module may also come from the
     * image or the requirements, and a name may be bound in ways no reading short of Python's
     * can see (an import, an assignment); a typo caught here would otherwise be a crash loop.
     */
    static void checkInitIsInTheCode(Handler handler, Source source) throws SpecException {
        if (handler.init() == null || !(source instanceof Files files)) {
            return;
        }
        String modulePath = handler.module().replace('.', '/');
        for (String file : List.of(modulePath + ".py", modulePath + "/__init__.py")) {
            String text = files.files().get(file);
            if (text != null) {
                Pattern word = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(handler.init()) + "(?![A-Za-z0-9_])");
                if (!word.matcher(text).find()) {
                    throw new SpecException(HANDLER + ".init", handler.init(), "must be a function of the handler's"
                            + " module '" + handler.module() + "', and " + file + " (in source) has no '"
                            + handler.init() + "': define def " + handler.init() + "(): there, or name the function"
                            + " it has");
                }
                return;
            }
        }
    }

    private static Handler moduleFunction(Object value, String field) throws SpecException {
        String text = Fields.text(value, field, HANDLER_RULE);
        var m = MODULE_FUNCTION.matcher(text);
        if (!m.matches()) {
            throw new SpecException(field, text, HANDLER_RULE);
        }
        return new Handler(m.group(1), m.group(2), null);
    }

    public static List<String> requirements(Object value) throws SpecException {
        if (value == null) {
            return List.of();
        }
        List<?> items = Fields.list(value, REQUIREMENTS, REQUIREMENTS_RULE);
        if (items.size() > MAX_REQUIREMENTS) {
            throw new SpecException(REQUIREMENTS, items.size() + " requirements", "at most " + MAX_REQUIREMENTS
                    + " requirements; install more in an image of your own (image)");
        }
        List<String> requirements = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String field = Fields.index(REQUIREMENTS, i);
            String text = Fields.text(items.get(i), field, REQUIREMENT_RULE).strip();
            if (text.length() > MAX_REQUIREMENT || !REQUIREMENT.matcher(text).matches()) {
                throw new SpecException(field, items.get(i), REQUIREMENT_RULE);
            }
            requirements.add(text);
        }
        return requirements;
    }

    public static String pythonVersion(Object value) throws SpecException {
        if (value == null) {
            return DEFAULT_PYTHON_VERSION;
        }
        if (value instanceof Number n) {
            throw new SpecException(PYTHON_VERSION, Fields.plainNumber(n), PYTHON_VERSION_RULE + ": quote it,"
                    + " as in pythonVersion: '3.10' (YAML reads 3.10 unquoted as the number 3.1)");
        }
        String version = Fields.text(value, PYTHON_VERSION, PYTHON_VERSION_RULE);
        if (!PYTHON_VERSIONS.contains(version)) {
            throw new SpecException(PYTHON_VERSION, version, PYTHON_VERSION_RULE);
        }
        return version;
    }
}
