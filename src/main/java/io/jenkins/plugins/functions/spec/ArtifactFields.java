package io.jenkins.plugins.functions.spec;

import io.jenkins.plugins.functions.model.DeclaredFile;
import io.jenkins.plugins.functions.model.FunctionSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The data a function exchanges with other runs through the artifact store, declared in its
 * file: {@code artifacts} (files it produces, uploaded under the run's prefix) and {@code inputs}
 * (earlier runs' artifacts it takes, handed over as local files or as URIs). The {@code container}
 * and {@code python} runtimes list {@link #FIELDS}, read them with {@link #read} and put them into
 * their canonical form with {@link #canonical}, as they do {@link PodFields}.
 *
 * <pre>
 * artifacts:
 *   - name: model                 # artifacts.model of the step's result
 *     path: model.joblib          # relative to the artifacts folder, or absolute
 *     mediaType: application/octet-stream
 * inputs:
 *   - name: dataset               # FUNCTION_INPUT_DATASET: a local file at path ...
 *     path: /data/iris.csv
 *   - name: baseline              # ... or, without path, the URI (s3://...) itself
 * </pre>
 */
public final class ArtifactFields {

    public static final String ARTIFACTS = "artifacts";
    public static final String INPUTS = "inputs";
    /** In the order messages list them. */
    public static final List<String> FIELDS = List.of(ARTIFACTS, INPUTS);
    /** More than any function needs; bounds the environment and the checks. */
    public static final int MAX = 32;

    public static final String NAME_RULE = "must be a name of 1 to 63 letters, digits, '_' and '-', starting with a"
            + " letter, such as model or test-data (it becomes FUNCTION_ARTIFACT_<NAME> and FUNCTION_INPUT_<NAME>)";
    static final String LIST_RULE = "must be a list of {name, path, mediaType?}";
    static final String INPUTS_RULE = "must be a list of {name, path?, mediaType?}: with path the input is a local"
            + " file there, without it the variable holds its URI";
    static final String PATH_RULE = "must be a file path such as model.joblib or /work/out/model.joblib: no '..'"
            + " parts, no control characters, not ending with '/'";
    static final String MEDIA_TYPE_RULE = "must be a media type such as application/json or"
            + " application/octet-stream";

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/"
            + "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private ArtifactFields() {
    }

    /** The declared artifacts, in order; empty when none. */
    public static List<DeclaredFile> artifacts(FunctionSpec spec) throws SpecException {
        return read(spec.fields().get(ARTIFACTS), ARTIFACTS, true);
    }

    /** The declared inputs, in order; empty when none. */
    public static List<DeclaredFile> inputs(FunctionSpec spec) throws SpecException {
        return read(spec.fields().get(INPUTS), INPUTS, false);
    }

    /** {@code validated} with the artifact fields of {@code original} in canonical form (left out when not given). */
    public static FunctionSpec canonical(FunctionSpec validated, FunctionSpec original) throws SpecException {
        return validated.withField(ARTIFACTS, canonicalList(artifacts(original)))
                .withField(INPUTS, canonicalList(inputs(original)));
    }

    private static List<Object> canonicalList(List<DeclaredFile> files) {
        if (files.isEmpty()) {
            return null;
        }
        List<Object> list = new ArrayList<>();
        files.forEach(f -> list.add(f.toMap()));
        return list;
    }

    /** A name as artifacts and inputs take it (also the step's {@code inputs} keys). */
    public static String name(Object value, String field) throws SpecException {
        if (value == null) {
            throw new SpecException(field, null, NAME_RULE);
        }
        String name = Fields.scalarText(value, field, NAME_RULE);
        if (!NAME.matcher(name).matches()) {
            throw new SpecException(field, name, NAME_RULE);
        }
        return name;
    }

    private static List<DeclaredFile> read(Object value, String field, boolean pathRequired) throws SpecException {
        if (value == null) {
            return List.of();
        }
        String rule = pathRequired ? LIST_RULE : INPUTS_RULE;
        List<?> items = Fields.list(value, field, rule);
        if (items.size() > MAX) {
            throw new SpecException(field, items.size() + " items", "at most " + MAX);
        }
        List<DeclaredFile> files = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String at = Fields.index(field, i);
            Map<String, Object> item = Fields.mapping(items.get(i), at, rule);
            Fields.onlyKnown(item, at, List.of("name", "path", "mediaType"), pathRequired ? "an artifact" : "an input");
            String name = name(item.get("name"), at + ".name");
            if (!names.add(io.jenkins.plugins.functions.model.DeclaredFile.envSuffix(name))) {
                throw new SpecException(at + ".name", name, "must be unique among the " + field + " (compared as"
                        + " FUNCTION_..._<NAME>: upper case, '-' as '_')");
            }
            String path = null;
            if (item.get("path") != null || pathRequired) {
                path = path(item.get("path"), at + ".path");
            }
            String mediaType = null;
            if (item.get("mediaType") != null) {
                mediaType = Fields.text(item.get("mediaType"), at + ".mediaType", MEDIA_TYPE_RULE);
                if (!MEDIA_TYPE.matcher(mediaType).matches()) {
                    throw new SpecException(at + ".mediaType", mediaType, MEDIA_TYPE_RULE);
                }
            }
            files.add(new DeclaredFile(name, path, mediaType));
        }
        return files;
    }

    private static String path(Object value, String field) throws SpecException {
        if (value == null) {
            throw new SpecException(field, null, PATH_RULE);
        }
        String path = Fields.scalarText(value, field, PATH_RULE);
        if (path.isEmpty() || path.length() > 1024 || path.endsWith("/") || CONTROL.matcher(path).find()) {
            throw new SpecException(field, path, PATH_RULE);
        }
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw new SpecException(field, path, PATH_RULE);
            }
        }
        return path;
    }
}
