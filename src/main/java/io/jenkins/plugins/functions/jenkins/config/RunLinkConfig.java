package io.jenkins.plugins.functions.jenkins.config;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.functions.jenkins.forms.FormChecks;
import io.jenkins.plugins.functions.observability.LinkTemplate;
import io.jenkins.plugins.functions.spec.SpecException;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;

/**
 * One link of the global configuration from a run to its logs, traces or a dashboard: a name and
 * a URL template ({@link LinkTemplate}). Configuration-as-code:
 * {@code unclassified: functionRuntimes: links: - name: Logs url: "https://grafana/...^${pod}"}
 * (JCasC expands {@code ${...}} itself: escape it as {@code ^${...}}). Checked when it is made.
 */
public class RunLinkConfig extends AbstractDescribableImpl<RunLinkConfig> {

    private final String name;
    private final String url;

    /** @throws IllegalArgumentException naming the field, the value and what is allowed */
    @DataBoundConstructor
    public RunLinkConfig(String name, String url) {
        this.name = name == null ? null : name.trim();
        this.url = url == null ? null : url.trim();
        try {
            LinkTemplate.of(this.name, this.url);
        } catch (SpecException e) {
            throw new IllegalArgumentException(e.withOrigin(FunctionRuntimesConfiguration.WHERE + " » link '"
                    + this.name + "'").getMessage(), e);
        }
    }

    public String getName() {
        return name;
    }

    public String getUrl() {
        return url;
    }

    /** The engine's template of this link. */
    public LinkTemplate toTemplate() {
        return new LinkTemplate(name, url);
    }

    @Extension
    @Symbol("link")
    public static final class DescriptorImpl extends Descriptor<RunLinkConfig> {
        @Override
        public String getDisplayName() {
            return "Link";
        }

        public FormValidation doCheckName(@QueryParameter String value) {
            return FormChecks.PLAIN.required(value, LinkTemplate::checkName);
        }

        /** The engine's rule: http(s), bounded, each placeholder one it fills in. */
        public FormValidation doCheckUrl(@QueryParameter String value) {
            return FormChecks.PLAIN.required(value, LinkTemplate::checkUrl);
        }
    }
}
