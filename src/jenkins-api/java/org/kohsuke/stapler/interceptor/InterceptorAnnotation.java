package org.kohsuke.stapler.interceptor;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Signature class (Stapler, package not covered by the reference listings): minimal shape, the
 * meta-annotation of {@code org.kohsuke.stapler.verb.POST}. Never shipped.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.ANNOTATION_TYPE)
@Documented
public @interface InterceptorAnnotation {
    Class<? extends Interceptor> value();

    Stage stage() default Stage.PREINVOKE;
}
