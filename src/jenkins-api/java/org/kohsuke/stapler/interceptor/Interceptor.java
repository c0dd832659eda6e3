package org.kohsuke.stapler.interceptor;

/**
 * Signature class (Stapler, package not covered by the reference listings): minimal shape, the
 * superclass of {@code org.kohsuke.stapler.verb.HttpVerbInterceptor}. Its abstract
 * {@code invoke(StaplerRequest, StaplerResponse, Object, Object[])} is deliberately left out.
 * Never shipped.
 */
public abstract class Interceptor {
    public Interceptor() {
    }
}
