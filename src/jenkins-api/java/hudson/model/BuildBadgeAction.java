package hudson.model;

/**
 * Signature class: public shape of the Jenkins API, never shipped. An action of a build that the
 * build history shows beside the build, through its {@code badge.jelly}.
 */
public interface BuildBadgeAction extends Action {
}
