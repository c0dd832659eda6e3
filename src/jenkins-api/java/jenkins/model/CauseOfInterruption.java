package jenkins.model;

import java.io.Serializable;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class CauseOfInterruption implements Serializable {
    public CauseOfInterruption() {
    }

    public abstract String getShortDescription();
}
