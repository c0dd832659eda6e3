package io.jenkins.plugins.functions.jenkins.artifacts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One retention pass over one store: deletes the artifacts of builds that no longer exist. Jenkins
 * tells a plugin nothing it may use when a build is deleted (core's {@code RunListener.onDeleted} is
 * outside the API this plugin is checked against), so the pass works as the orphan sweeper does:
 * it lists the store's keys under the root, reads the build each belongs to from the key
 * ({@code <root>/<job full name>/<build number>/<run id>/<file>}), asks Jenkins whether that build
 * exists, and deletes the objects of builds that do not.
 *
 * <p>Never an object of a build that exists or is running: a job's full name may itself have
 * numeric segments ({@code team/2024/nightly}), so every way of reading a key as job and build is
 * asked, and an object is kept when any reading names a build that exists; a key that cannot be a
 * run's artifact (no {@code <number>/<run id>/<file>} in it) is never touched, nor a key under
 * another configured store's root inside this one (that store's pass judges it); where this
 * store's root is inside another's, a key is also read as that store's runs would have written it;
 * a lookup that fails keeps the object.
 *
 * <p>Bounded work: at most {@link Limits#pages()} list requests of {@value #PAGE_SIZE} keys and
 * {@link Limits#deletions()} deletions per store and pass; the next pass goes on after the last
 * key this one looked at, and starts again from the first once it reached the end.
 */
public final class ArtifactRetention {

    /** Keys a list request asks for (the most S3 returns). */
    public static final int PAGE_SIZE = 1000;
    /** A run id, as {@code BuildRun.newRunId()} makes them. */
    private static final Pattern RUN_ID = Pattern.compile("[a-z0-9]{10}");
    private static final Pattern BUILD_NUMBER = Pattern.compile("[1-9][0-9]{0,8}");

    /** How much one pass may do with one store. */
    public record Limits(int pages, int deletions) {
        /** 10 list requests (10,000 keys) and 1,000 deletions per store and pass. */
        public static Limits defaults() {
            return new Limits(10, 1000);
        }
    }

    /**
     * A way to read a key as a build's: its job's full name, its number, and the build's prefix.
     *
     * @param prefix the build's key prefix, without the trailing slash
     */
    record BuildKey(String job, int number, String prefix) {
        /** Jenkins' id of the build: {@code folder/job#12}. */
        String id() {
            return job + "#" + number;
        }
    }

    /**
     * What a pass did with one store.
     *
     * @param where        the store's root ({@code s3://bucket/root/})
     * @param listed       the keys looked at
     * @param deleted      the objects deleted, by the prefix of their (deleted) build, in order
     * @param kept         the objects kept because their build exists (or could not be looked up)
     * @param notOfRuns    the keys that are not a run's artifact, or under another store's root: left alone
     * @param complete     whether the pass reached the end of the root (the next one starts from the first key)
     * @param errors       what failed, without secrets
     */
    public record Result(String where, int listed, Map<String, Integer> deleted, int kept, int notOfRuns,
            boolean complete, List<String> errors) {

        public int deletedObjects() {
            return deleted.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() {
            return where + ": listed " + listed + " objects, deleted " + deletedObjects() + " objects of "
                    + deleted.size() + " deleted builds, kept " + kept + " of existing builds, left " + notOfRuns
                    + " that are not runs' artifacts; " + (complete ? "reached the end of the root"
                    : "goes on from there next pass") + (errors.isEmpty() ? "" : "; " + errors.size() + " error(s): "
                    + String.join("; ", errors));
        }
    }

    /** Where the next pass goes on, per store: the last key looked at; none: from the first. */
    private final Map<String, String> cursors = new HashMap<>();

    /**
     * One pass over a store.
     *
     * @param others      the roots of the other stores configured in the same bucket
     * @param buildExists whether the build of an id ({@code folder/job#12}) exists (running or not); may throw
     */
    public synchronized Result pass(StoreAccess access, ArtifactStoreClient client, List<String> others,
            Predicate<String> buildExists, Limits limits) {
        String root = access.store().root();
        String base = root.isEmpty() ? "" : root + "/";
        String storeId = access.store().endpoint() + " " + access.store().uri(base);
        String cursor = cursors.get(storeId);
        List<String> inner = new ArrayList<>();
        List<String> outer = new ArrayList<>();
        for (String other : others) {
            String o = other.isEmpty() ? "" : other + "/";
            if (!o.equals(base) && o.startsWith(base)) {
                inner.add(o);
            } else if (!o.equals(base) && base.startsWith(o)) {
                outer.add(o);
            }
        }
        Map<String, Boolean> exists = new HashMap<>();
        Map<String, Integer> deleted = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        int listed = 0;
        int kept = 0;
        int notOfRuns = 0;
        int deletions = 0;
        boolean complete = false;
        pages:
        for (int page = 0; page < limits.pages(); page++) {
            ArtifactStoreClient.KeyPage keys;
            try {
                keys = client.keys(base, cursor, PAGE_SIZE);
            } catch (IOException e) {
                errors.add(e.getMessage());
                break;
            }
            for (String key : keys.keys()) {
                if (deletions == limits.deletions()) {
                    break pages;
                }
                listed++;
                List<BuildKey> readings = new ArrayList<>();
                if (inner.stream().noneMatch(key::startsWith)) { // else the other store's pass judges it
                    readings.addAll(readings(base, key.substring(base.length())));
                    // a run of the outer store may have written here (a folder named like this root)
                    for (String o : outer) {
                        readings.addAll(readings(o, key.substring(o.length())));
                    }
                }
                if (readings.isEmpty()) {
                    notOfRuns++;
                } else if (anyExists(readings, buildExists, exists, errors)) {
                    kept++;
                } else {
                    try {
                        client.delete(key);
                    } catch (IOException e) {
                        errors.add(e.getMessage());
                        break pages; // the store refuses: the next pass tries this key again
                    }
                    deletions++;
                    deleted.merge(readings.get(0).prefix(), 1, Integer::sum);
                }
                cursor = key;
            }
            if (!keys.truncated()) {
                complete = true; // every key of the root was looked at
                break;
            }
        }
        if (complete) {
            cursors.remove(storeId);
        } else if (cursor != null) {
            cursors.put(storeId, cursor);
        }
        return new Result(access.store().uri(base), listed, deleted, kept, notOfRuns, complete, errors);
    }

    private static boolean anyExists(List<BuildKey> readings, Predicate<String> buildExists,
            Map<String, Boolean> known, List<String> errors) {
        for (BuildKey b : readings) {
            Boolean exists = known.get(b.id());
            if (exists == null) {
                try {
                    exists = buildExists.test(b.id());
                } catch (RuntimeException e) {
                    errors.add("cannot tell whether " + b.id() + " exists, its objects are kept (" + e + ")");
                    exists = true;
                }
                known.put(b.id(), exists);
            }
            if (exists) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every way of reading a key (relative to the root) as a run's artifact: a job's full name of
     * one or more segments, a build number, a run id, then the file's path.
     */
    static List<BuildKey> readings(String base, String relative) {
        String[] segments = relative.split("/", -1);
        List<BuildKey> readings = new ArrayList<>();
        for (int i = 1; i + 2 < segments.length; i++) {
            if (segments[i - 1].isEmpty()) {
                return readings; // an empty segment in the job's name: not a key the plugin writes
            }
            if (BUILD_NUMBER.matcher(segments[i]).matches() && RUN_ID.matcher(segments[i + 1]).matches()
                    && !segments[segments.length - 1].isEmpty()) {
                String job = String.join("/", java.util.Arrays.copyOfRange(segments, 0, i));
                readings.add(new BuildKey(job, Integer.parseInt(segments[i]), base + job + "/" + segments[i]));
            }
        }
        return readings;
    }
}
