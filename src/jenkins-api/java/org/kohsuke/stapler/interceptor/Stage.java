package org.kohsuke.stapler.interceptor;

/**
 * Signature class (Stapler, package not covered by the reference listings): minimal shape, named
 * by the meta-annotation of {@code org.kohsuke.stapler.verb.POST}. Never shipped.
 */
public enum Stage {
    SELECTION,
    PREINVOKE
}
