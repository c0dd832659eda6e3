package hudson.model;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class Cause {
    public Cause() {
    }

    public abstract String getShortDescription();

    /** Signature class: public shape of the Jenkins API, never shipped. */
    public static class UserIdCause extends Cause {
        public UserIdCause() {
        }

        public UserIdCause(String userId) {
        }

        public String getUserId() {
            throw new UnsupportedOperationException("signature only");
        }

        public String getUserName() {
            throw new UnsupportedOperationException("signature only");
        }

        @Override
        public String getShortDescription() {
            throw new UnsupportedOperationException("signature only");
        }
    }

    /** Signature class: public shape of the Jenkins API, never shipped. */
    public static class UpstreamCause extends Cause {
        public UpstreamCause(Run<?, ?> up) {
        }

        public String getUpstreamProject() {
            throw new UnsupportedOperationException("signature only");
        }

        public int getUpstreamBuild() {
            throw new UnsupportedOperationException("signature only");
        }

        public String getUpstreamUrl() {
            throw new UnsupportedOperationException("signature only");
        }

        @Override
        public String getShortDescription() {
            throw new UnsupportedOperationException("signature only");
        }
    }
}
