package hudson.model;

/** Signature class: public shape of the Jenkins API, never shipped. */
public interface Action extends ModelObject {
    String getIconFileName();

    @Override
    String getDisplayName();

    String getUrlName();
}
