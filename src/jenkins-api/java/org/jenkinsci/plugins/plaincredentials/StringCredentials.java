package org.jenkinsci.plugins.plaincredentials;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.util.Secret;

/** Signature class: public shape of the plain-credentials plugin, never shipped. */
public interface StringCredentials extends StandardCredentials {
    Secret getSecret();
}
