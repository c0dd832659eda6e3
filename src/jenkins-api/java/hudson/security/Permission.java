package hudson.security;

/** Signature class: public shape of the Jenkins API, never shipped. */
public final class Permission {
    /** The real constructors need a PermissionGroup and a Localizable. */
    private Permission() {
    }
}
