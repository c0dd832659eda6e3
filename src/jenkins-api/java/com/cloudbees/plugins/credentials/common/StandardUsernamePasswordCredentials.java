package com.cloudbees.plugins.credentials.common;

/** Signature class: public shape of the credentials plugin, never shipped. */
public interface StandardUsernamePasswordCredentials extends StandardUsernameCredentials, UsernamePasswordCredentials {
}
