package com.cloudbees.plugins.credentials.common;

/** Signature class: public shape of the credentials plugin, never shipped. */
public class StandardListBoxModel extends AbstractIdCredentialsListBoxModel<StandardListBoxModel, StandardCredentials> {
    public StandardListBoxModel() {
    }

    @Override
    protected String describe(StandardCredentials c) {
        throw new UnsupportedOperationException("signature only");
    }
}
