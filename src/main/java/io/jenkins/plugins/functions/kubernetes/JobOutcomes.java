package io.jenkins.plugins.functions.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.jenkins.plugins.functions.run.RunOutcome;
import io.jenkins.plugins.functions.run.RunState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@code job} run's end is told: the outcome judged from the container's terminated state
 * and the Job's conditions, and what a run whose container never started is told. Pure: it reads
 * the objects it is given and keeps nothing, so {@link JobRun} is left with reacting to events
 * (under its own lock, from which these are called).
 */
final class JobOutcomes {

    private JobOutcomes() {
    }

    /**
     * Decides the outcome from the container's terminated state and the Job's conditions.
     *
     * @param lastJob    the Job as last seen, or null when it was never seen
     * @param terminated the main container's terminated state, or null when its end was not seen
     */
    static RunOutcome fromStatus(Job lastJob, ContainerStateTerminated terminated) {
        Optional<JobCondition> end = lastJob == null ? Optional.empty() : PodReading.finished(lastJob);
        boolean deadline = end.isPresent() && "DeadlineExceeded".equals(end.get().getReason());
        Integer exitCode = terminated == null ? null : terminated.getExitCode();
        Instant started = terminated == null ? null : PodReading.time(terminated.getStartedAt());
        Instant finished = terminated == null ? Instant.now() : PodReading.time(terminated.getFinishedAt());
        Map<String, Object> outputs = Outputs.parse(terminated == null ? null : terminated.getMessage());
        RunOutcome result;
        if (deadline) {
            Long seconds = lastJob.getSpec() == null ? null : lastJob.getSpec().getActiveDeadlineSeconds();
            result = new RunOutcome(RunState.ERROR, exitCode, "DeadlineExceeded",
                    "the run exceeded its timeout" + (seconds == null ? "" : " of " + seconds + "s")
                            + " and was stopped", outputs, started, finished);
        } else if (terminated != null) {
            boolean ok = exitCode != null && exitCode == 0;
            String reason = terminated.getReason() != null ? terminated.getReason() : (ok ? "Completed" : "Error");
            String message = ok ? "the function completed"
                    : "OOMKilled".equals(reason) ? "the container ran out of memory (exit code " + exitCode + ")"
                    : "the container exited with code " + exitCode;
            result = new RunOutcome(ok ? RunState.COMPLETED : RunState.ERROR, exitCode, reason, message, outputs,
                    started, finished);
        } else if (end.isPresent() && "Complete".equals(end.get().getType())) {
            result = new RunOutcome(RunState.COMPLETED, 0, "Completed", "the function completed", outputs, null,
                    Instant.now());
        } else {
            String reason = end.map(JobCondition::getReason).orElse("Failed");
            String message = end.map(JobCondition::getMessage).orElse("the Job failed");
            result = new RunOutcome(RunState.ERROR, null, reason, message, outputs, null, Instant.now());
        }
        return result;
    }

    /**
     * Why a run's container did not start within the pending timeout: no pod at all (most often
     * refused by a quota, a limit range or an admission policy), or a pod whose container never ran.
     *
     * @param podName the run's pod, or null when none was seen
     * @param seconds the pending timeout, in seconds
     */
    static String pendingTooLong(RunRef ref, String podName, long seconds) {
        return podName == null
                ? "no pod was created for " + ref + " within " + seconds + "s (pendingTimeout); a ResourceQuota,"
                        + " LimitRange or admission policy may refuse it: see kubectl describe job -n "
                        + ref.namespace() + " " + ref.name()
                : "the container of pod " + ref.namespace() + "/" + podName + " did not start within " + seconds
                        + "s (pendingTimeout)";
    }
}
