package hudson;

import java.util.Map;
import java.util.TreeMap;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class EnvVars extends TreeMap<String, String> {
    public EnvVars() {
    }

    public EnvVars(Map<String, String> m) {
    }

    public EnvVars(EnvVars m) {
    }

    public EnvVars(String... keyValuePairs) {
    }

    public String expand(String s) {
        throw new UnsupportedOperationException("signature only");
    }
}
