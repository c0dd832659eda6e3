package io.jenkins.plugins.functions.jenkins.services;

import hudson.Extension;
import hudson.model.Api;
import hudson.model.RootAction;
import hudson.model.Run;
import io.jenkins.plugins.functions.jenkins.Clusters;
import io.jenkins.plugins.functions.jenkins.Messages;
import io.jenkins.plugins.functions.jenkins.config.FunctionRuntimesConfiguration;
import io.jenkins.plugins.functions.kubernetes.FunctionEngine;
import io.jenkins.plugins.functions.kubernetes.LiveService;
import io.jenkins.plugins.functions.kubernetes.ServiceCatalog;
import io.jenkins.plugins.functions.runtime.RunLabels;
import io.jenkins.plugins.functions.spec.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The "Function services" page ({@code /function-services/}): the services and deployments the
 * plugin started that are live in the cluster, read by the plugin's labels through the engines
 * Jenkins has used since it started ({@link Clusters#engines()}), joined with the builds that
 * started them. Each can be stopped from there ({@link ServiceEntry#doStop()}).
 *
 * <p>A user sees the services whose build they may see; administrators see all. A listing waits
 * at most {@link #LIST_TIMEOUT}; a namespace that does not answer in time is named on the page.
 */
@Extension
@ExportedBean
public class FunctionServicesAction implements RootAction {

    private static final Logger LOGGER = Logger.getLogger(FunctionServicesAction.class.getName());

    /** How long a page waits for the cluster, at most. */
    static final Duration LIST_TIMEOUT = Duration.ofSeconds(5);

    private final Supplier<Collection<FunctionEngine>> engines;
    private final Function<FunctionEngine, Collection<String>> namespaces;
    private final Function<String, Run<?, ?>> builds;
    private final StopPermission permission;

    public FunctionServicesAction() {
        this(Clusters::engines, FunctionServicesAction::namespacesOf, FunctionServicesAction::buildById,
                StopPermission.JENKINS);
    }

    FunctionServicesAction(Supplier<Collection<FunctionEngine>> engines,
            Function<FunctionEngine, Collection<String>> namespaces, Function<String, Run<?, ?>> builds,
            StopPermission permission) {
        this.engines = engines;
        this.namespaces = namespaces;
        this.builds = builds;
        this.permission = permission;
    }

    /** Where an engine's services may be: the namespaces its runs went to, and the default ones. */
    private static Collection<String> namespacesOf(FunctionEngine engine) {
        Set<String> out = new LinkedHashSet<>(engine.namespacesUsed());
        String configured = FunctionRuntimesConfiguration.get().getNamespace();
        if (configured != null) {
            out.add(configured);
        }
        String own = engine.client().getNamespace();
        if (own != null) {
            out.add(own);
        }
        return out;
    }

    /** The build, as the current user sees it: null when it is gone or hidden from them. */
    private static Run<?, ?> buildById(String id) {
        try {
            return Run.fromExternalizableId(id);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public String getIconFileName() {
        return engines.get().isEmpty() ? null : "symbol-terminal";
    }

    @Override
    public String getDisplayName() {
        return Messages.FunctionServicesAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "function-services";
    }

    /** What a page shows: the services the user may see, and the namespaces that could not be read. */
    public ServiceList getList() {
        List<ServiceEntry> entries = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (FunctionEngine engine : engines.get()) {
            ServiceCatalog.Listing listing;
            try {
                listing = ServiceCatalog.list(engine.client(), namespaces.apply(engine), LIST_TIMEOUT);
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "could not list services", e);
                errors.add(e.getMessage() == null ? e.toString() : e.getMessage());
                continue;
            }
            errors.addAll(listing.errors());
            for (LiveService s : listing.services()) {
                ServiceEntry entry = entry(s, engine);
                if (entry != null) {
                    entries.add(entry);
                }
            }
        }
        return new ServiceList(entries, errors);
    }

    /** The entry for a service, or null when the current user may not see it. */
    private ServiceEntry entry(LiveService s, FunctionEngine engine) {
        String buildId = s.annotations().get(RunLabels.JENKINS_BUILD_ID_ANNOTATION);
        Run<?, ?> build = buildId == null ? null : lookUp(buildId);
        if (build == null && !permission.canStop(null)) {
            return null; // its build is gone or hidden: administrators only
        }
        return new ServiceEntry(s, engine, build, permission, this::lookUp);
    }

    private Run<?, ?> lookUp(String buildId) {
        try {
            return builds.apply(buildId);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * One service by its id ({@code <namespace>.<name>.<run id>}), as the page showed it: null
     * (not found) when it no longer runs that version, or the user may not see it.
     */
    public ServiceEntry getService(String id) {
        String[] parts = id == null ? new String[0] : id.split("\\.", -1);
        if (parts.length != 3 || !Names.isDns1123Label(parts[0]) || !Names.isDns1123Label(parts[1])
                || parts[2].isEmpty()) {
            return null;
        }
        for (FunctionEngine engine : engines.get()) {
            LiveService s;
            try {
                s = ServiceCatalog.find(engine.client(), parts[0], parts[1], parts[2], LIST_TIMEOUT);
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "could not read service " + id, e);
                continue;
            }
            if (s != null) {
                return entry(s, engine);
            }
        }
        return null;
    }

    /** The services the current user may see: {@code /function-services/api/json}. */
    @Exported(visibility = 2)
    public List<ServiceEntry> getServices() {
        return getList().getEntries();
    }

    public Api getApi() {
        return new Api(this);
    }

    /** A listing: the entries and the namespaces that could not be read. Immutable. */
    public static final class ServiceList {
        private final List<ServiceEntry> entries;
        private final List<String> errors;

        ServiceList(List<ServiceEntry> entries, List<String> errors) {
            this.entries = List.copyOf(entries);
            this.errors = List.copyOf(errors);
        }

        public List<ServiceEntry> getEntries() {
            return entries;
        }

        public List<String> getErrors() {
            return errors;
        }
    }
}
