package io.jenkins.plugins.functions.jenkins.observability;

import io.jenkins.plugins.functions.kubernetes.RunTags;
import io.jenkins.plugins.functions.observability.PodResources;
import io.jenkins.plugins.functions.observability.ResourceUsage;
import io.jenkins.plugins.functions.observability.TraceContext;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunRecord;
import io.jenkins.plugins.functions.runtime.Plan;
import java.io.PrintStream;

/**
 * What a run on a build records of its observability, in one place for the steps and builders
 * ({@code BuildRun}): the trace its pods continue and their requests and limits (once planned),
 * its pods and what they used (while and after it runs), and the metrics of a run that ended
 * before the engine had it. Cheap and local: no network.
 */
public final class RunObservations {

    private RunObservations() {
    }

    /**
     * The run is planned: records the trace its pods continue (the child of the step's context,
     * as {@code TraceEnv} gives it) and its pod's requests and limits, and says in the build log
     * which trace the run continues.
     */
    public static void planned(RunRecord record, Plan plan, PrintStream log, String prefix) {
        TraceContext parent = plan.request().trace();
        if (parent != null) {
            TraceContext child = parent.childFor(plan.request().runId());
            record.traced(child.traceId(), child.spanId());
            log.println(prefix + "Trace " + child.traceId() + " continues in the run's pods (parent span "
                    + child.spanId() + ")");
        }
        PodResources resources = PodResources.of(plan.workload());
        record.resources(resources.requests(), resources.limits());
    }

    /** What the run's pods used (or why it is not known), onto the record. */
    public static void usage(RunRecord record, ResourceUsage usage) {
        record.usage(usage.samples(), usage.cpuPeakMillicores(), usage.cpuMeanMillicores(), usage.memoryPeakBytes(),
                usage.memoryMeanBytes(), usage.note());
    }

    /** A run that ended before the engine had it (bad input, no credential, aborted): counted in the metrics. */
    public static void endedBeforeStart(RunRecord record, RunOutcome outcome) {
        JenkinsMetrics.engineMetrics().endedBeforeStart(record.getRuntime(), record.getAction(), outcome.state(),
                outcome.reason());
    }

    /** The kind of a recorded run, for the metrics of a run re-attached after a restart. */
    public static RunTags tags(RunRecord record) {
        return new RunTags(record.getRuntime(), record.getAction());
    }
}
