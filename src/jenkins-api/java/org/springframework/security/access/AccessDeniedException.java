package org.springframework.security.access;

/**
 * Signature class (Spring Security, as shipped by Jenkins core): minimal shape, only so that
 * Jenkins API members can name it in their throws clauses. Never shipped.
 */
public class AccessDeniedException extends RuntimeException {
    public AccessDeniedException(String msg) {
    }
}
