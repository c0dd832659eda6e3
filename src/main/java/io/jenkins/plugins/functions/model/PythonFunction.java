package io.jenkins.plugins.functions.model;

import io.jenkins.plugins.functions.model.ContainerFunction.Env;
import io.jenkins.plugins.functions.model.ContainerFunction.PullPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The typed view of a {@code python} function: Python source code, a handler in it, the pip
 * requirements it needs and the image it runs in. Immutable. Built by
 * {@code PythonFunctionParser}, which checks every field; this record only keeps its parts
 * unmodifiable.
 *
 * <p>Canonical form, which {@link #toFields()} writes and the function's version is computed
 * from:
 * <ul>
 *   <li>{@code source} is one of {@code {files: {relative/path.py: text, ...}}} (the resolved
 *       form: inline {@code code} becomes {@code {files: {main.py: code}}}), {@code {path: ...}}
 *       (a reference into the Jenkins workspace, not resolved yet: it cannot be planned) or
 *       {@code {git: {url, ref, path}}};
 *   <li>{@code handler} is text {@code module:function}, or {@code {function: module:function,
 *       init: name}} when there is an init function;
 *   <li>{@code pythonVersion} and {@code image} are always present (the defaults made explicit);
 *   <li>{@code env}, {@code resources}, {@code imagePullPolicy}, {@code serviceAccount},
 *       {@code description} and {@code labels} as in {@link ContainerFunction}; empty lists and
 *       mappings are left out.
 * </ul>
 *
 * @param name            the function's name (a DNS-1123 label)
 * @param description     free text, null when none
 * @param labels          the function's own labels, added to every object of its runs
 * @param source          where the code comes from
 * @param handler         the function called for each run
 * @param requirements    pip requirement strings, installed when the run starts; empty for none
 * @param pythonVersion   {@code 3.10} to {@code 3.13}
 * @param image           the image the code runs in (never null: the parser fills in the default)
 * @param env             environment variables, in order
 * @param imagePullPolicy null for Kubernetes' default
 * @param resources       requests and limits; {@link Resources#NONE} when none
 * @param serviceAccount  the service account the pod runs as, null for none (and no API token)
 */
public record PythonFunction(
        String name,
        String description,
        Map<String, String> labels,
        Source source,
        Handler handler,
        List<String> requirements,
        String pythonVersion,
        String image,
        List<Env> env,
        PullPolicy imagePullPolicy,
        Resources resources,
        String serviceAccount) {

    public PythonFunction {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(pythonVersion, "pythonVersion");
        Objects.requireNonNull(image, "image");
        labels = Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
        requirements = List.copyOf(requirements == null ? List.of() : requirements);
        env = List.copyOf(env == null ? List.of() : env);
        resources = resources == null ? Resources.NONE : resources;
    }

    /** The runtime fields in canonical form (everything but {@code name} and {@code runtime}). */
    public Map<String, Object> toFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        SpecFields.putCommon(fields, description, labels);
        fields.put("source", source.toMap());
        fields.put("handler", handler.toValue());
        if (!requirements.isEmpty()) {
            fields.put("requirements", requirements);
        }
        fields.put("pythonVersion", pythonVersion);
        fields.put("image", image);
        SpecFields.putEnv(fields, env);
        SpecFields.putPod(fields, imagePullPolicy, resources, serviceAccount);
        return Collections.unmodifiableMap(fields);
    }

    /** This function as a spec of the given runtime, in canonical form. */
    public FunctionSpec toSpec(String runtime) {
        return FunctionSpec.of(name, runtime, toFields());
    }


    /** Where a function's code comes from. */
    public sealed interface Source permits Files, WorkspacePath, Git {

        /** The canonical field value: a mapping with exactly one key. */
        Map<String, Object> toMap();
    }

    /**
     * Code carried in the function itself: file paths relative to the code directory (separated
     * by {@code /}) and their text. This is the resolved form every source given inline takes
     * ({@code code} is {@code main.py}), and the form a workspace {@code path} is read into.
     *
     * @param files path to text, sorted by path
     */
    public record Files(Map<String, String> files) implements Source {
        public Files {
            files = Collections.unmodifiableMap(new TreeMap<>(files));
        }

        @Override
        public Map<String, Object> toMap() {
            return Map.of("files", files);
        }
    }

    /**
     * A file or folder of the Jenkins workspace, relative to it, that has not been read yet. The
     * Jenkins step reads it into {@link Files} before planning: a run cannot be planned with it.
     *
     * @param path a relative path, {@code /}-separated, without {@code .} or {@code ..} segments
     */
    public record WorkspacePath(String path) implements Source {
        public WorkspacePath {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public Map<String, Object> toMap() {
            return Map.of("path", path);
        }
    }

    /**
     * A git repository the run clones when it starts (the image needs {@code git}).
     *
     * @param url  an {@code https://} URL without credentials
     * @param ref  a branch, tag or commit
     * @param path the folder of the repository the code is in, null for its root
     */
    public record Git(String url, String ref, String path) implements Source {
        public Git {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(ref, "ref");
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> git = new LinkedHashMap<>();
            git.put("url", url);
            git.put("ref", ref);
            if (path != null) {
                git.put("path", path);
            }
            return Map.of("git", Collections.unmodifiableMap(git));
        }
    }

    /**
     * The handler: {@code module:function}, and optionally an init function of the same module
     * that is called once before the handler (for services: once per replica).
     *
     * @param module   a dotted module path such as {@code main} or {@code app.handlers}
     * @param function the function's name in the module
     * @param init     the init function's name in the module, null for none
     */
    public record Handler(String module, String function, String init) {
        public Handler {
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(function, "function");
        }

        /** {@code module:function}, as the runner takes it. */
        public String reference() {
            return module + ":" + function;
        }

        /** The canonical field value: the text {@code module:function}, or a mapping with the init. */
        public Object toValue() {
            if (init == null) {
                return reference();
            }
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("function", reference());
            map.put("init", init);
            return Collections.unmodifiableMap(map);
        }
    }
}
