package io.jenkins.plugins.functions.cli;

/** A mistake in the command line itself: answered with the usage text and exit code 64. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
