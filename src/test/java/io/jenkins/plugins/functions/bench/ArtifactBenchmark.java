package io.jenkins.plugins.functions.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
 * next run downloads it as an input. Prints the medians of 3 runs each; passes or fails on nothing.
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
        }
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
