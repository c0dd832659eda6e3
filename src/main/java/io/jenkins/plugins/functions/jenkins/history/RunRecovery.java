package io.jenkins.plugins.functions.jenkins.history;

import hudson.model.Run;
import io.jenkins.plugins.functions.run.RunRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs whose file is beside the build but that build.xml does not name: the build is saved a
 * moment after a run starts (saves are coalesced), and a controller that dies in between leaves
 * the run only in its file. When the build loads, its first run action adds them back, so the
 * build's page and REST API show every run that started.
 */
final class RunRecovery {

    private static final Logger LOGGER = Logger.getLogger(RunRecovery.class.getName());

    private RunRecovery() {
    }

    /** Called by each run action as its build loads; the first one looks for runs to add back. */
    static void onLoad(Run<?, ?> build, FunctionRunAction loading) {
        List<FunctionRunAction> actions = FunctionRunAction.of(build);
        if (actions.isEmpty() || actions.get(0) != loading) {
            return;
        }
        Set<String> known = new HashSet<>();
        actions.forEach(a -> known.add(a.getRunId()));
        RunFiles files = new RunFiles(build.getRootDir().toPath());
        for (String runId : files.recordedRuns()) {
            if (known.contains(runId)) {
                continue;
            }
            StoredRun stored = files.readRecord(runId);
            if (stored != null) {
                RunRecord r = stored.record();
                LOGGER.log(Level.INFO, "Function Runtimes: run {0} ({1}) of {2} was not in build.xml; added back"
                        + " from its record file", new Object[] {runId, r.getFunctionName(), build});
                build.addAction(FunctionRunAction.recovered(build, stored));
            }
        }
    }
}
