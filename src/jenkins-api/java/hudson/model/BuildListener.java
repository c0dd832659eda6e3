package hudson.model;

/** Signature class: public shape of the Jenkins API, never shipped. */
public interface BuildListener extends TaskListener {
}
