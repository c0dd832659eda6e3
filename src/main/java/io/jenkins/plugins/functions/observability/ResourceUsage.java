package io.jenkins.plugins.functions.observability;

/**
 * What a run's pods used while it ran, as sampled from the cluster's {@code metrics.k8s.io} API
 * (metrics-server): the peak and the mean, over the samples, of the CPU and memory all the run's
 * pods used together. Immutable.
 *
 * @param samples            how many distinct samples were taken (0: none, see {@code note})
 * @param cpuPeakMillicores  the highest CPU use, in millicores; null without samples
 * @param cpuMeanMillicores  the mean CPU use, in millicores; null without samples
 * @param memoryPeakBytes    the highest memory use (working set), in bytes; null without samples
 * @param memoryMeanBytes    the mean memory use, in bytes; null without samples
 * @param note               why there are no (or few) figures, for people; null when all went well
 */
public record ResourceUsage(int samples, Long cpuPeakMillicores, Long cpuMeanMillicores, Long memoryPeakBytes,
        Long memoryMeanBytes, String note) {

    public ResourceUsage {
        if (samples < 0) {
            throw new IllegalArgumentException("samples: value '" + samples + "' is not allowed: 0 or more");
        }
    }

    /** No figures, for the reason given. */
    public static ResourceUsage none(String note) {
        return new ResourceUsage(0, null, null, null, null, note);
    }

    /** Whether there are figures. */
    public boolean sampled() {
        return samples > 0;
    }
}
