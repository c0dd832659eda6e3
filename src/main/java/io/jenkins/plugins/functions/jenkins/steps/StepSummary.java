package io.jenkins.plugins.functions.jenkins.steps;

import io.jenkins.plugins.functions.model.ActionKind;
import java.util.Map;

/**
 * What a function step ran, in a few words, for the Pipeline graph and stage views (the step
 * descriptors' {@code argumentsToString}): {@code hello (container job)},
 * {@code functions/web.yaml (serve)}, {@code greeter (python build) → harbor.example.com/team/greeter:1},
 * {@code web (namespace team-a)} for {@code stopFunction}.
 *
 * <p>Only the function's identity is read: {@code name}, {@code file}, {@code runtime}, the image a
 * build pushes, a stop's namespace. Never {@code env}, {@code parameters}, {@code source} (inline
 * code), {@code command} or a credential, whatever they hold. The Pipeline hands over the
 * arguments it kept, and an argument it did not keep as text (a value masked because it is a
 * secret, one too large to keep) is left out, not shown as a placeholder. Each part is cut to
 * {@value #MAX_PART} characters keeping its end (a file's name, an image's tag), the whole to
 * {@value #MAX_LENGTH} keeping its start, with line breaks and runs of spaces made one space.
 */
final class StepSummary {

    /** Longest part (a name, a file, an image) kept. */
    static final int MAX_PART = 48;
    /** Longest summary. */
    static final int MAX_LENGTH = 100;

    private StepSummary() {
    }

    /**
     * The summary of a function step's arguments, null when they name no function (the views
     * then show the step's name alone).
     */
    static String of(ActionKind action, Map<String, Object> args) {
        if (args == null) {
            return null;
        }
        String label = text(args.get("name"));
        if (label == null) {
            label = text(args.get("file"));
        }
        String pushed = action == ActionKind.BUILD ? text(args.get("image")) : null;
        if (label == null) {
            label = pushed; // buildImage image: '...', context: 'app': the image is what it builds
            pushed = null;
        }
        if (label == null) {
            return null;
        }
        String runtime = text(args.get("runtime"));
        String summary = label + " (" + (runtime == null ? "" : runtime + " ") + action.id() + ")"
                + (pushed == null ? "" : " → " + pushed);
        return head(summary);
    }

    /** {@code stopFunction}: the function, and the namespace when given. */
    static String ofStop(Map<String, Object> args) {
        if (args == null) {
            return null;
        }
        String name = text(args.get("name"));
        if (name == null) {
            return null;
        }
        String namespace = text(args.get("namespace"));
        return head(namespace == null ? name : name + " (namespace " + namespace + ")");
    }

    /** A plain text argument, on one line and cut; null for anything else or nothing. */
    private static String text(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        String oneLine = s.replaceAll("[\\s\\p{Cntrl}]+", " ").trim();
        if (oneLine.isEmpty()) {
            return null;
        }
        // A part keeps its end, where a path's file name and an image's tag are.
        return oneLine.length() <= MAX_PART ? oneLine : "…" + oneLine.substring(oneLine.length() - (MAX_PART - 1));
    }

    /** The whole keeps its start: the function and how it ran come first. */
    private static String head(String s) {
        return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH - 1) + "…";
    }
}
