package io.jenkins.plugins.functions.jenkins.forms;

import hudson.util.FormValidation;
import io.jenkins.plugins.functions.model.Durations;
import io.jenkins.plugins.functions.runtime.RunArguments;
import io.jenkins.plugins.functions.runtime.build.BuildContexts;
import io.jenkins.plugins.functions.runtime.build.ImageReference;
import io.jenkins.plugins.functions.runtime.impl.ContainerFunctionParser;
import io.jenkins.plugins.functions.runtime.impl.PythonFunctionParser;
import io.jenkins.plugins.functions.runtime.impl.ServiceSettingsParser;
import io.jenkins.plugins.functions.spec.CommonFields;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.PodFields;

/**
 * The checks of the function fields the freestyle builders and the Pipeline steps' forms share,
 * each a rule of the engine (the runtimes' parsers, the run arguments, the build contexts) on
 * one field's text: what a form says as it is typed is what the build would refuse. The checks
 * of fields whose text a freestyle form reads its own way (lines, {@code NAME=value}, YAML) are
 * the builders'; the checks that read the configuration are {@link ConfiguredChecks}.
 */
public final class FieldChecks {

    private final FormChecks forms;

    /** @param forms whether the fields take build variables ({@link FormChecks#FREESTYLE}) or not */
    public FieldChecks(FormChecks forms) {
        this.forms = forms;
    }

    public static final FieldChecks FREESTYLE = new FieldChecks(FormChecks.FREESTYLE);
    public static final FieldChecks PLAIN = new FieldChecks(FormChecks.PLAIN);

    /** The form's way with variables. */
    public FormChecks forms() {
        return forms;
    }

    /** A function's name: a DNS-1123 label. */
    public FormValidation name(String value) {
        return forms.check(value, CommonFields::name);
    }

    /** The name of a function to stop: required. */
    public FormValidation requiredName(String value) {
        return forms.required(value, CommonFields::name);
    }

    /** A served function's name: also a Service's, so it starts with a letter. */
    public FormValidation servedName(String value) {
        return forms.check(value, v -> ServiceSettingsParser.checkServiceName(CommonFields.name(v)));
    }

    /** An image to pull ({@code image}, or another field's: {@code baseImage}). */
    public FormValidation image(String value, String field) {
        return forms.check(value, v -> ContainerFunctionParser.image(v, field));
    }

    /** Where an image build pushes: a reference without a digest. */
    public FormValidation pushImage(String value) {
        return forms.check(value, v -> ImageReference.parse("image", v));
    }

    /** A run's timeout: a duration from 1 second to 7 days. */
    public FormValidation timeout(String value) {
        return forms.check(value, v -> RunArguments.timeoutSeconds(Durations.parse(RunArguments.TIMEOUT, v)));
    }

    /** How long a service may take to be ready: a duration. */
    public FormValidation readyTimeout(String value) {
        return forms.check(value, v -> Durations.parse("readyTimeout", v));
    }

    public FormValidation workingDir(String value) {
        return forms.check(value, ContainerFunctionParser::workingDir);
    }

    public FormValidation imagePullPolicy(String value) {
        return forms.check(value, ContainerFunctionParser::pullPolicy);
    }

    /** The pods' service account: a DNS-1123 subdomain. */
    public FormValidation serviceAccount(String value) {
        return forms.check(value, v -> Names.dns1123Subdomain(v, ContainerFunctionParser.SERVICE_ACCOUNT));
    }

    /** A profile's name as a function writes it (whether it is configured: {@link ConfiguredChecks}). */
    public FormValidation profileName(String value) {
        return forms.check(value, PodFields::profile);
    }

    public FormValidation handler(String value) {
        return forms.check(value, PythonFunctionParser::handler);
    }

    public FormValidation pythonVersion(String value) {
        return forms.check(value, PythonFunctionParser::pythonVersion);
    }

    /** Replicas as a number field sends it: a whole number from 0 to 100. */
    public FormValidation replicas(String value) {
        return forms.check(value, v -> ServiceSettingsParser.replicas(wholeNumber(v)));
    }

    public FormValidation serviceType(String value) {
        return forms.check(value, ServiceSettingsParser::serviceType);
    }

    public FormValidation gitUrl(String value) {
        return forms.check(value, BuildContexts::gitUrl);
    }

    public FormValidation gitRef(String value) {
        return forms.check(value, BuildContexts::gitRef);
    }

    public FormValidation gitPath(String value) {
        return forms.check(value, BuildContexts::gitPath);
    }

    /** The text of a whole number as the number the engine reads, else the text (for the rule to refuse). */
    static Object wholeNumber(String text) {
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return text;
        }
    }
}
