package com.cloudbees.plugins.credentials.common;

import com.cloudbees.plugins.credentials.Credentials;

/** Signature class: public shape of the credentials plugin, never shipped. */
public interface UsernameCredentials extends Credentials {
    String getUsername();
}
