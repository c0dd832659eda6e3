package hudson.security;

import org.springframework.security.access.AccessDeniedException;

/** Signature class: public shape of the Jenkins API, never shipped. */
public interface AccessControlled {
    ACL getACL();

    default void checkPermission(Permission permission) throws AccessDeniedException {
        throw new UnsupportedOperationException("signature only");
    }

    default boolean hasPermission(Permission permission) {
        throw new UnsupportedOperationException("signature only");
    }
}
