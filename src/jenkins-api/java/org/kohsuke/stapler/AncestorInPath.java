package org.kohsuke.stapler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Signature class: public shape of the Stapler API, never shipped. The real annotation also
 * carries {@code @InjectedParameter(AncestorInPath.HandlerImpl.class)}, which Jenkins reads from
 * the real class at run time; it is left out here (see shared/jenkins-api/README.md).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@Documented
public @interface AncestorInPath {
}
