package org.kohsuke.stapler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Signature class: public shape of the Stapler API, never shipped.
 *
 * <p>The real type also carries {@code @InjectedParameter(AncestorInPath.HandlerImpl.class)}. That meta-annotation is
 * deliberately left out: {@code HandlerImpl} extends {@code AnnotationHandler}, whose abstract
 * {@code parse(StaplerRequest, ...)} would pull {@code StaplerRequest}/{@code StaplerResponse} into
 * the signature set (and, through them, {@code net.sf.json} types the reference does not list).
 * It only matters to Stapler's own request binding, which runs on the real class.
 * {@code check-jenkins-api} therefore reports one expected error for this type.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@Documented
public @interface AncestorInPath {
}
