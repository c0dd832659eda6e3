package org.kohsuke.stapler;

/** Signature class: public shape of the Stapler API, never shipped. */
public interface StaplerProxy {
    Object getTarget();
}
