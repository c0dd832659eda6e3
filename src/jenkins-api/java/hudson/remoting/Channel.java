package hudson.remoting;

/**
 * Signature class: public shape of the Jenkins API, never shipped. Only named by
 * {@code hudson.Launcher#launchChannel}; the remoting library is outside the reference, so it
 * cannot be checked (a warning of check-jenkins-api).
 */
public class Channel {
    private Channel() {
    }
}
