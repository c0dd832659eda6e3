package hudson;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class Util {
    public Util() {
    }

    public static String fixNull(String s) {
        throw new UnsupportedOperationException("signature only");
    }

    public static String fixEmpty(String s) {
        throw new UnsupportedOperationException("signature only");
    }

    public static String fixEmptyAndTrim(String s) {
        throw new UnsupportedOperationException("signature only");
    }
}
