package io.jenkins.plugins.functions.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An artifact a function says it produces, or an input it takes, as its file declares it
 * ({@code artifacts:} and {@code inputs:}).
 *
 * @param name      the name the run's artifact (or the step's input) goes by: letters, digits,
 *                  {@code _} and {@code -}, starting with a letter
 * @param path      an artifact: the file the function writes (relative to the artifacts folder, or
 *                  absolute); an input: where the file is put before the function starts, or null
 *                  for an input handed over as its URI only
 * @param mediaType the media type ({@code application/octet-stream} when null)
 */
public record DeclaredFile(String name, String path, String mediaType) {

    public DeclaredFile {
        Objects.requireNonNull(name, "name");
    }

    /** The canonical form: {@code {name, path?, mediaType?}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", name);
        if (path != null) {
            map.put("path", path);
        }
        if (mediaType != null) {
            map.put("mediaType", mediaType);
        }
        return Collections.unmodifiableMap(map);
    }

    /** The environment variable suffix of a name: upper case, {@code -} as {@code _}. */
    public static String envSuffix(String name) {
        return name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }
}
