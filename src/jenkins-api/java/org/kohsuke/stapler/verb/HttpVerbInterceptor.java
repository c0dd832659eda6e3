package org.kohsuke.stapler.verb;

import org.kohsuke.stapler.interceptor.Interceptor;

/**
 * Signature class: public shape of the Stapler API, never shipped. Exists only because
 * {@link POST} names it in its meta-annotation; its {@code invoke} (which takes
 * StaplerRequest/StaplerResponse) is deliberately left out.
 */
public class HttpVerbInterceptor extends Interceptor {
    public HttpVerbInterceptor() {
    }
}
