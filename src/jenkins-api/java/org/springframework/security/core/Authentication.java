package org.springframework.security.core;

import java.io.Serializable;
import java.security.Principal;

/**
 * Signature class (Spring Security, as shipped by Jenkins core): minimal shape, only so that
 * Jenkins API members can name it. Never shipped.
 */
public interface Authentication extends Principal, Serializable {
}
