package com.cloudbees.plugins.credentials.common;

import com.cloudbees.plugins.credentials.Credentials;
import hudson.util.Secret;

/** Signature class: public shape of the credentials plugin, never shipped. */
public interface PasswordCredentials extends Credentials {
    Secret getPassword();
}
