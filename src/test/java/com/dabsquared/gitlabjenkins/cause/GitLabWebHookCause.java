package com.dabsquared.gitlabjenkins.cause;

import hudson.model.Cause;

/**
 * A test double with the class name of the GitLab plugin's webhook cause, which the plugin
 * recognises by name (it does not depend on the GitLab plugin).
 */
public class GitLabWebHookCause extends Cause {
    @Override
    public String getShortDescription() {
        return "Started by GitLab push by Ada";
    }
}
