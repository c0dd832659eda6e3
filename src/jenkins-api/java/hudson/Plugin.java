package hudson;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class Plugin {
    protected Plugin() {
    }
}
