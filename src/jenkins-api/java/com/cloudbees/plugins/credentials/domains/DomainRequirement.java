package com.cloudbees.plugins.credentials.domains;

import hudson.ExtensionPoint;
import java.io.Serializable;

/** Signature class: public shape of the credentials plugin, never shipped. */
public class DomainRequirement implements ExtensionPoint, Serializable {
    public DomainRequirement() {
    }
}
