package jenkins;

/** Signature class: public shape of the Jenkins API, never shipped. */
public enum YesNoMaybe {
    YES,
    NO,
    MAYBE;

    public static Boolean toBoolean(YesNoMaybe v) {
        throw new UnsupportedOperationException("signature only");
    }

    public Boolean toBool() {
        throw new UnsupportedOperationException("signature only");
    }
}
