package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.run.RunRecord;
import java.util.ArrayList;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** One input of a run on its page and in the REST API ({@link FunctionRunAction#getInputs()}). */
@ExportedBean(defaultVisibility = 2)
public final class InputView {
    private final RunRecord.Input input;

    InputView(RunRecord.Input input) {
        this.input = input;
    }

    /** The views of the inputs a record took, in order. */
    static List<InputView> of(RunRecord record) {
        List<InputView> views = new ArrayList<>();
        record.getInputs().forEach(i -> views.add(new InputView(i)));
        return views;
    }

    @Exported
    public String getName() {
        return input.getName();
    }

    @Exported
    public String getUri() {
        return input.getUri();
    }

    /** The run of this build that produced it, or null. */
    @Exported
    public String getProducerRunId() {
        return input.getProducerRunId();
    }

    @Exported
    public String getProducerFunction() {
        return input.getProducerFunction();
    }
}
