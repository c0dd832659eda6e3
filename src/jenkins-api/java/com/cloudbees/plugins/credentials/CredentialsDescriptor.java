package com.cloudbees.plugins.credentials;

import hudson.model.Descriptor;

/** Signature class: public shape of the credentials plugin, never shipped. */
public abstract class CredentialsDescriptor extends Descriptor<Credentials> {
    protected CredentialsDescriptor(Class<? extends Credentials> clazz) {
    }

    protected CredentialsDescriptor() {
    }
}
