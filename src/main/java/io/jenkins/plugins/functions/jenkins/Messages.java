package io.jenkins.plugins.functions.jenkins;

import hudson.Functions;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * The display names and UI strings the plugin's Java code shows, from {@code Messages.properties}
 * beside this class (translations as {@code Messages_de.properties} and so on), one method per key,
 * as Jenkins' localizer generates them ({@code RunFunctionStep.DisplayName} is
 * {@link #RunFunctionStep_DisplayName()}). Texts of Jelly views are in their own resource bundles
 * beside the views ({@code ${%...}}).
 *
 * <p>Written by hand because the generator, {@code org.jvnet.localizer:localizer-maven-plugin}
 * 1.31, does not resolve from Maven Central: it depends on {@code org.jenkins-ci:annotation-indexer}
 * 1.4, whose parent POM is only in the Jenkins project's repository. It behaves like the generated
 * class: the language is the current request's (the browser's, as Jenkins' {@code LocaleProvider}
 * gives it to generated messages), outside a request the controller's, and a language without a
 * translation gets the base (English) texts; every text is a {@link MessageFormat} pattern, so an
 * apostrophe is written {@code ''} as in Jelly's bundles.
 * {@code MessagesTest} checks that every key has its method and every method its key.
 */
public final class Messages {

    private static final String BUNDLE = Messages.class.getName();
    /**
     * A language without a translation gets the base texts (English), not the controller's
     * language, as with Jenkins' own bundles.
     */
    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    /** Where the locale comes from: Jenkins' current request. Tests, which have no Jenkins, set another. */
    private static volatile Supplier<Locale> locale = Functions::getCurrentLocale;

    private Messages() {
    }

    /** For tests: the locale source to use instead of Jenkins' request. Returns the previous one. */
    static Supplier<Locale> setLocaleSource(Supplier<Locale> source) {
        Supplier<Locale> previous = locale;
        locale = source;
        return previous;
    }

    /** The text of a key in the current locale, its arguments formatted in. */
    static String format(String key, Object... args) {
        Locale current = locale.get();
        ResourceBundle bundle = ResourceBundle.getBundle(BUNDLE, current, Messages.class.getClassLoader(), NO_FALLBACK);
        return new MessageFormat(bundle.getString(key), current).format(args);
    }

    // ---- Pipeline steps

    /** Run a function as a Kubernetes Job */
    public static String RunFunctionStep_DisplayName() {
        return format("RunFunctionStep.DisplayName");
    }

    /** Serve a function (Deployment and Service) */
    public static String ServeFunctionStep_DisplayName() {
        return format("ServeFunctionStep.DisplayName");
    }

    /** Deploy a function (Deployment without a Service) */
    public static String DeployFunctionStep_DisplayName() {
        return format("DeployFunctionStep.DisplayName");
    }

    /** Stop a served or deployed function */
    public static String StopFunctionStep_DisplayName() {
        return format("StopFunctionStep.DisplayName");
    }

    /** Build and push an image in the cluster */
    public static String BuildImageStep_DisplayName() {
        return format("BuildImageStep.DisplayName");
    }

    // ---- Freestyle build steps

    /** Run function (Kubernetes Job) */
    public static String RunFunctionBuilder_DisplayName() {
        return format("RunFunctionBuilder.DisplayName");
    }

    /** Serve function (Kubernetes Deployment and Service) */
    public static String ServeFunctionBuilder_DisplayName() {
        return format("ServeFunctionBuilder.DisplayName");
    }

    /** Deploy function (Kubernetes Deployment, no Service) */
    public static String DeployFunctionBuilder_DisplayName() {
        return format("DeployFunctionBuilder.DisplayName");
    }

    /** Stop function (served or deployed) */
    public static String StopFunctionBuilder_DisplayName() {
        return format("StopFunctionBuilder.DisplayName");
    }

    /** Build image */
    public static String BuildImageBuilder_DisplayName() {
        return format("BuildImageBuilder.DisplayName");
    }

    // ---- Configuration

    /** Profile */
    public static String CredentialVariable_DisplayName() {
        return format("CredentialVariable.DisplayName");
    }

    public static String ProfileConfig_DisplayName() {
        return format("ProfileConfig.DisplayName");
    }

    // ---- Pages

    /** Function run {0} ({1}) */
    public static String FunctionRunAction_DisplayName(Object function, Object runId) {
        return format("FunctionRunAction.DisplayName", function, runId);
    }

    /** Function runs */
    public static String FunctionRunsAction_DisplayName() {
        return format("FunctionRunsAction.DisplayName");
    }

    /** Function services */
    public static String FunctionServicesAction_DisplayName() {
        return format("FunctionServicesAction.DisplayName");
    }

    /** Served functions */
    public static String ServiceBadge_DisplayName() {
        return format("ServiceBadge.DisplayName");
    }

    /** Function runs of this build */
    public static String BuildRunsSummary_DisplayName() {
        return format("BuildRunsSummary.DisplayName");
    }

    // ---- the build's run graph (issue 13)

    /** Artifacts passed between runs */
    public static String RunGraphSvg_Heading() {
        return format("RunGraphSvg.Heading");
    }

    /** Build #{0}: {1} runs and the artifacts passed between them, {2} arrows ... */
    public static String RunGraphSvg_Title(Object build, Object runs, Object edges) {
        return format("RunGraphSvg.Title", build, runs, edges);
    }

    /** {0} more runs of this build are not drawn */
    public static String RunGraphSvg_More(Object count) {
        return format("RunGraphSvg.More", count);
    }

    /** {0} serves at {1} */
    public static String ServiceBadge_Serving(Object function, Object url) {
        return format("ServiceBadge.Serving", function, url);
    }

    /** {0} served at {1}, stopped since */
    public static String ServiceBadge_Served(Object function, Object url) {
        return format("ServiceBadge.Served", function, url);
    }

    // ---- Run statuses and the trend of the Function runs page

    /** Completed */
    public static String RunStatus_COMPLETED() {
        return format("RunStatus.COMPLETED");
    }

    /** Serving */
    public static String RunStatus_SERVING() {
        return format("RunStatus.SERVING");
    }

    /** Error */
    public static String RunStatus_ERROR() {
        return format("RunStatus.ERROR");
    }

    /** Stopped */
    public static String RunStatus_STOPPED() {
        return format("RunStatus.STOPPED");
    }

    /** In progress */
    public static String RunStatus_IN_PROGRESS() {
        return format("RunStatus.IN_PROGRESS");
    }

    /** Not followed to its end */
    public static String RunStatus_UNFINISHED() {
        return format("RunStatus.UNFINISHED");
    }

    /** Runs by state */
    public static String TrendSvg_StatusHeading() {
        return format("TrendSvg.StatusHeading");
    }

    /** Duration per function */
    public static String TrendSvg_DurationHeading() {
        return format("TrendSvg.DurationHeading");
    }

    /** Function runs by state, builds #{0} to #{1} */
    public static String TrendSvg_StatusTitle(Object first, Object last) {
        return format("TrendSvg.StatusTitle", first, last);
    }

    /** Duration of each function's runs, builds #{0} to #{1} */
    public static String TrendSvg_DurationTitle(Object first, Object last) {
        return format("TrendSvg.DurationTitle", first, last);
    }

    /** and {0} more functions */
    public static String TrendSvg_OtherFunctions(Object count) {
        return format("TrendSvg.OtherFunctions", count);
    }
}
