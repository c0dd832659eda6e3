package hudson.security;

/** Signature class: public shape of the Jenkins API, never shipped. */
public final class Permission {
    /** The administrator's permission ({@code Jenkins.ADMINISTER} is this one). */
    public static final Permission HUDSON_ADMINISTER = none();

    /** The real constructors need a PermissionGroup and a Localizable. */
    private Permission() {
    }

    private static Permission none() {
        return null;
    }
}
