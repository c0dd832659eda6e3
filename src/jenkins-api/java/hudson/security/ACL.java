package hudson.security;

import org.springframework.security.core.Authentication;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class ACL {
    public static final Authentication SYSTEM2 = none();

    public ACL() {
    }

    public static ACLContext as2(Authentication auth) {
        throw new UnsupportedOperationException("signature only");
    }

    private static Authentication none() {
        return null;
    }
}
