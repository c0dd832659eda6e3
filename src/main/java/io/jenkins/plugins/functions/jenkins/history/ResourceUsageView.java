package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.run.RunRecord;
import java.util.Locale;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** The exported view of what a run's pods used, sampled from metrics.k8s.io (read from its record). */
@ExportedBean(defaultVisibility = 2)
public final class ResourceUsageView {
    private final int samples;
    private final Long cpuPeak;
    private final Long cpuMean;
    private final Long memoryPeak;
    private final Long memoryMean;
    private final String note;

    ResourceUsageView(RunRecord r) {
        Integer n = r.getUsageSamples();
        this.samples = n == null ? 0 : n;
        this.cpuPeak = r.getCpuPeakMillicores();
        this.cpuMean = r.getCpuMeanMillicores();
        this.memoryPeak = r.getMemoryPeakBytes();
        this.memoryMean = r.getMemoryMeanBytes();
        this.note = r.getUsageNote();
    }

    /** How many distinct samples were taken (0: see the note). */
    @Exported
    public int getSamples() {
        return samples;
    }

    @Exported
    public Long getCpuPeakMillicores() {
        return cpuPeak;
    }

    @Exported
    public Long getCpuMeanMillicores() {
        return cpuMean;
    }

    @Exported
    public Long getMemoryPeakBytes() {
        return memoryPeak;
    }

    @Exported
    public Long getMemoryMeanBytes() {
        return memoryMean;
    }

    /** Why there are no (or fewer) figures; null when all went well. */
    @Exported
    public String getNote() {
        return note;
    }

    /** The peak memory for pages: {@code 64.0 MiB}. */
    public String getMemoryPeakText() {
        return formatBytes(memoryPeak);
    }

    /** The mean memory for pages. */
    public String getMemoryMeanText() {
        return formatBytes(memoryMean);
    }

    /** Memory for pages: {@code 64.0 MiB}; empty for none. */
    static String formatBytes(Long bytes) {
        if (bytes == null) {
            return "";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
