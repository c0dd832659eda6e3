package com.cloudbees.plugins.credentials;

import java.io.Serializable;

/** Signature class: public shape of the credentials plugin, never shipped. */
public interface CredentialsMatcher extends Serializable {
    boolean matches(Credentials item);
}
