package hudson;

import hudson.security.Permission;
import java.io.IOException;

/**
 * Signature class: public shape of the Jenkins API, never shipped. Only the members the plugin
 * uses; the real {@code hasPermission} also declares {@code javax.servlet.ServletException},
 * which is not part of its descriptor.
 */
public class Functions {
    public Functions() {
    }

    public static boolean hasPermission(Permission permission) throws IOException {
        throw new UnsupportedOperationException("signature only");
    }

    /** The locale of the current request (the browser's language), else the JVM's default. */
    public static java.util.Locale getCurrentLocale() {
        throw new UnsupportedOperationException("signature only");
    }
}
