package io.jenkins.plugins.functions.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.jenkins.plugins.functions.jenkins.artifacts.ArtifactRetention;
import io.jenkins.plugins.functions.jenkins.artifacts.ArtifactStoreClient;
import io.jenkins.plugins.functions.jenkins.artifacts.DownloadLinks;
import io.jenkins.plugins.functions.jenkins.artifacts.StoreAccess;
import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.model.ArtifactStore;
import io.jenkins.plugins.functions.model.FunctionSpec;
import io.jenkins.plugins.functions.model.StoreKeys;
import io.jenkins.plugins.functions.runtime.Plan;
import io.jenkins.plugins.functions.runtime.RunArtifacts;
import io.jenkins.plugins.functions.runtime.RunRequest;
import io.jenkins.plugins.functions.runtime.impl.PythonRuntime;
import io.jenkins.plugins.functions.spec.FunctionSpecReader;
import io.jenkins.plugins.functions.testing.LocalPod;
import io.jenkins.plugins.functions.testing.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an artifact adds to a run's time (docs/performance.md): a python function that writes an
 * artifact of 1 MiB or 100 MiB runs through the real runner against a real S3 server on this machine
 * ({@link S3TestServer}), with a store (the runner hashes and uploads it) and without one; then the
 * next run downloads it as an input. Prints the medians of 3 runs each; then what signing a run page's
 * download links costs, and a retention pass over 10,000 objects. Passes or fails on nothing.
 * Run it on its own: {@code java -cp <test classpath> io.jenkins.plugins.functions.bench.ArtifactBenchmark}.
 */
public final class ArtifactBenchmark {

    private static final String BUCKET = "bench";

    private ArtifactBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (S3TestServer s3 = S3TestServer.start(BUCKET)) {
            for (int mib : new int[] {1, 100}) {
                long without = median(() -> produce(s3, mib, false));
                long with = median(() -> produce(s3, mib, true));
                long input = median(() -> consume(s3, mib));
                System.out.printf("artifact of %3d MiB: run without a store %5d ms, with upload %5d ms (+%d ms);"
                        + " a run taking it as an input %5d ms%n", mib, without, with, with - without, input);
            }
            links(s3);
            retention(s3);
        }
    }

    /** What signing a run page's links costs: a presigner and 10 links, as one page view makes them. */
    private static void links(S3TestServer s3) {
        StoreAccess access = new StoreAccess(new ArtifactStore(s3.endpoint(), null, BUCKET, true, "bench"), "bench");
        StoreKeys keys = new StoreKeys(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);
        int views = 2_000;
        for (int warm = 0; warm < 200; warm++) {
            signTen(access, keys);
        }
        long start = System.nanoTime();
        for (int v = 0; v < views; v++) {
            signTen(access, keys);
        }
        double perView = (System.nanoTime() - start) / 1e6 / views;
        long one = System.nanoTime();
        String url;
        try (DownloadLinks links = DownloadLinks.signedBy(access, keys)) {
            one = System.nanoTime();
            url = links.linkFor("s3://" + BUCKET + "/bench/job/1/abcdefghij/model.bin").url();
        }
        System.out.printf("download links: a page view with 10 artifacts %.2f ms (presigner and 10 signatures,"
                + " %d views); one more signature %.3f ms; %d characters%n", perView, views,
                (System.nanoTime() - one) / 1e6, url.length());
    }

    private static void signTen(StoreAccess access, StoreKeys keys) {
        try (DownloadLinks links = DownloadLinks.signedBy(access, keys)) {
            for (int i = 0; i < 10; i++) {
                links.linkFor("s3://" + BUCKET + "/bench/job/1/abcdefghij/file" + i + ".bin");
            }
        }
    }

    /** A retention pass over 10,000 keys of 500 builds, half of them deleted: its time and requests. */
    private static void retention(S3TestServer s3) throws Exception {
        String root = "retention";
        java.util.Set<String> existing = new java.util.HashSet<>();
        for (int b = 1; b <= 500; b++) {
            if (b % 2 == 0) {
                existing.add("team/app#" + b);
            }
            for (int f = 0; f < 20; f++) {
                String key = root + "/team/app/" + b + "/abcdefghij/f" + f + ".bin";
                s3.client().putObject(r -> r.bucket(BUCKET).key(key),
                        software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
            }
        }
        StoreAccess access = new StoreAccess(new ArtifactStore(s3.endpoint(), null, BUCKET, true, root), "bench");
        StoreKeys keys = new StoreKeys(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);
        ArtifactRetention retention = new ArtifactRetention();
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        int passes = 0;
        long start = System.nanoTime();
        ArtifactRetention.Result last;
        int deleted = 0;
        do {
            try (ArtifactStoreClient client = new ArtifactStoreClient(access.store(), keys)) {
                last = retention.pass(access, client, java.util.List.of(), id -> {
                    lookups.incrementAndGet();
                    return existing.contains(id);
                }, ArtifactRetention.Limits.defaults());
            }
            deleted += last.deletedObjects();
            passes++;
        } while (!last.complete());
        long took = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("retention: 10,000 objects of 500 builds, 250 deleted: %d passes (at most 10 lists and 1,000"
                + " deletions each), %d ms in all, %d objects deleted (one request each), %d build lookups%n", passes,
                took, deleted, lookups.get());
    }

    interface Timed {
        long run() throws Exception;
    }

    private static long median(Timed t) throws Exception {
        long[] times = new long[3];
        for (int i = 0; i < times.length; i++) {
            times[i] = t.run();
        }
        java.util.Arrays.sort(times);
        return times[1];
    }

    private static long produce(S3TestServer s3, int mib, boolean store) throws Exception {
        String yaml = """
                name: produce
                runtime: python
                handler: main:handler
                source:
                  code: |
                    import os
                    def handler(parameters):
                        folder = os.environ["FUNCTION_ARTIFACTS_DIR"]
                        os.makedirs(folder, exist_ok=True)
                        with open(os.path.join(folder, "model.bin"), "wb") as f:
                            for _ in range(%d):
                                f.write(os.urandom(1024 * 1024))
                        return {}
                """.formatted(mib);
        return time(yaml, store ? Map.of() : null, s3, "produce" + mib);
    }

    private static long consume(S3TestServer s3, int mib) throws Exception {
        String yaml = """
                name: consume
                runtime: python
                handler: main:handler
                source:
                  code: |
                    def handler(parameters, inputs):
                        return {"path": inputs["model"]}
                """;
        return time(yaml, Map.of("model", "s3://" + BUCKET + "/bench/job/1/produce" + mib + "/model.bin"), s3, "consume");
    }

    private static long time(String yaml, Map<String, String> inputs, S3TestServer s3, String runId) throws Exception {
        PythonRuntime runtime = new PythonRuntime();
        FunctionSpec spec = runtime.validate(new FunctionSpecReader().read(yaml.getBytes(StandardCharsets.UTF_8), "f"));
        RunRequest.Builder request = RunRequest.builder(spec, ActionKind.JOB).runId(runId);
        if (inputs != null) {
            ArtifactStore store = new ArtifactStore(s3.endpoint(), null, BUCKET, true, "bench");
            request.artifacts(new RunArtifacts(store, new StoreKeys(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY),
                    store.runPrefix("job", 1, runId), inputs));
        }
        Plan plan = runtime.plan(request.build());
        Map<String, HasMetadata> objects = new LinkedHashMap<>();
        plan.objects().forEach(o -> objects.put(o.getMetadata().getName(), o));
        Path root = Files.createTempDirectory("artifact-bench");
        try {
            long start = System.nanoTime();
            LocalPod pod = LocalPod.run(((Job) plan.workload()).getSpec().getTemplate().getSpec(), objects, root,
                    Map.of());
            long took = (System.nanoTime() - start) / 1_000_000;
            if (pod.exitCode() != 0) {
                throw new IllegalStateException(pod.output());
            }
            return took;
        } finally {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
