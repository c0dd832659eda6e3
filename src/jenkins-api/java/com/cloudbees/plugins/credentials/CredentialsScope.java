package com.cloudbees.plugins.credentials;

import hudson.model.ModelObject;
import java.io.Serializable;

/** Signature class: public shape of the credentials plugin, never shipped. */
public enum CredentialsScope implements Serializable {
    SYSTEM {
        @Override
        public String getDisplayName() {
            throw new UnsupportedOperationException("signature only");
        }

        @Override
        public boolean isVisible(ModelObject object) {
            throw new UnsupportedOperationException("signature only");
        }
    },
    GLOBAL {
        @Override
        public String getDisplayName() {
            throw new UnsupportedOperationException("signature only");
        }

        @Override
        public boolean isVisible(ModelObject object) {
            throw new UnsupportedOperationException("signature only");
        }
    },
    USER {
        @Override
        public String getDisplayName() {
            throw new UnsupportedOperationException("signature only");
        }

        @Override
        public boolean isVisible(ModelObject object) {
            throw new UnsupportedOperationException("signature only");
        }
    };

    public abstract String getDisplayName();

    public abstract boolean isVisible(ModelObject object);
}
