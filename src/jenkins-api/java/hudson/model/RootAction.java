package hudson.model;

import hudson.ExtensionPoint;

/** Signature class: public shape of the Jenkins API, never shipped. */
public interface RootAction extends Action, ExtensionPoint {
}
