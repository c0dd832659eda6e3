package io.jenkins.plugins.functions.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A volume a function mounts into its container: where ({@code mountPath}, optionally only a
 * {@code subPath} of the volume, optionally read-only) and from what source. Immutable; checked by
 * {@code spec.PodFields}. There is deliberately no host path source: a function's pod never
 * mounts the node's files.
 *
 * @param name      the volume's name in the pod: a DNS-1123 label, unique among the function's volumes
 * @param mountPath an absolute path in the container
 * @param readOnly  whether the container may only read it
 * @param subPath   a relative path inside the volume to mount instead of its root, or null
 * @param source    where the files come from
 */
public record Volume(String name, String mountPath, boolean readOnly, String subPath, Source source) {

    public Volume {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mountPath, "mountPath");
        Objects.requireNonNull(source, "source");
    }

    /** The canonical field form: {@code {name, mountPath, readOnly?, subPath?, <source>: {...}}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", name);
        map.put("mountPath", mountPath);
        if (readOnly) {
            map.put("readOnly", true);
        }
        if (subPath != null) {
            map.put("subPath", subPath);
        }
        map.put(source.field(), source.toMap());
        return Collections.unmodifiableMap(map);
    }

    /** Where a volume's files come from: exactly one of the four kinds. */
    public sealed interface Source permits PersistentVolumeClaim, EmptyDir, ConfigMap, Secret {
        /** The field that names this kind in a function file ({@code persistentVolumeClaim}, ...). */
        String field();

        /** The source's own fields, canonical. */
        Map<String, Object> toMap();
    }

    /** An existing PersistentVolumeClaim of the run's namespace. */
    public record PersistentVolumeClaim(String claimName) implements Source {
        public PersistentVolumeClaim {
            Objects.requireNonNull(claimName, "claimName");
        }

        @Override
        public String field() {
            return "persistentVolumeClaim";
        }

        @Override
        public Map<String, Object> toMap() {
            return Map.of("claimName", claimName);
        }
    }

    /**
     * A directory that lives as long as the pod.
     *
     * @param medium    {@code Memory} for a tmpfs, null for the node's disk
     * @param sizeLimit a quantity such as {@code 1Gi}, or null for none
     */
    public record EmptyDir(String medium, String sizeLimit) implements Source {
        @Override
        public String field() {
            return "emptyDir";
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            if (medium != null) {
                map.put("medium", medium);
            }
            if (sizeLimit != null) {
                map.put("sizeLimit", sizeLimit);
            }
            return Collections.unmodifiableMap(map);
        }
    }

    /**
     * An existing ConfigMap of the run's namespace, every key as a file, or only the listed ones.
     *
     * @param name  the ConfigMap's name
     * @param items the keys to project and the relative paths they get; empty for every key
     */
    public record ConfigMap(String name, List<Item> items) implements Source {
        public ConfigMap {
            Objects.requireNonNull(name, "name");
            items = List.copyOf(items == null ? List.of() : items);
        }

        @Override
        public String field() {
            return "configMap";
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("name", name);
            if (!items.isEmpty()) {
                List<Object> list = new ArrayList<>();
                for (Item i : items) {
                    list.add(Map.of("key", i.key(), "path", i.path()));
                }
                map.put("items", list);
            }
            return Collections.unmodifiableMap(map);
        }
    }

    /** One key of a ConfigMap and the relative path it is written to. */
    public record Item(String key, String path) {
        public Item {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(path, "path");
        }
    }

    /** An existing Secret of the run's namespace (one the administrator or the team put there). */
    public record Secret(String secretName) implements Source {
        public Secret {
            Objects.requireNonNull(secretName, "secretName");
        }

        @Override
        public String field() {
            return "secret";
        }

        @Override
        public Map<String, Object> toMap() {
            return Map.of("secretName", secretName);
        }
    }
}
