package io.jenkins.plugins.functions.jenkins.services;

import hudson.Functions;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.Run;
import hudson.security.Permission;
import org.springframework.security.access.AccessDeniedException;

/**
 * Who may stop a service from the services page: whoever may abort the builds of the job that
 * started it ({@code Item.CANCEL}); when that build is gone or not visible, administrators only.
 * Checked against the current request's user.
 */
public interface StopPermission {

    /** Whether the current user may stop a service started by that build (null: unknown or gone). */
    boolean canStop(Run<?, ?> build);

    /** Throws when the current user may not stop a service started by that build. */
    default void checkStop(Run<?, ?> build) {
        if (!canStop(build)) {
            throw new AccessDeniedException(build == null
                    ? "only administrators may stop a service whose build is gone"
                    : "stopping this service needs the permission to abort the builds of "
                            + io.jenkins.plugins.functions.jenkins.Clusters.jobName(build) + " (Job/Cancel)");
        }
    }

    /** Jenkins' permissions. */
    StopPermission JENKINS = build -> {
        if (build != null) {
            Job<?, ?> job = build.getParent();
            return job.hasPermission(Item.CANCEL);
        }
        try {
            return Functions.hasPermission(Permission.HUDSON_ADMINISTER); // Jenkins.ADMINISTER
        } catch (Exception e) {
            return false;
        }
    };
}
