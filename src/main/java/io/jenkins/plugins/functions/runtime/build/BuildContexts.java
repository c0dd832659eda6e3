package io.jenkins.plugins.functions.runtime.build;

import io.jenkins.plugins.functions.spec.SpecException;
import java.util.regex.Pattern;

/** Checks the git context of a build, as the step and the freestyle builder give it. */
public final class BuildContexts {

    public static final String GIT_URL = "gitUrl";
    public static final String GIT_REF = "gitRef";
    public static final String GIT_PATH = "gitPath";

    static final String GIT_URL_RULE = "an https:// URL of a git repository, such as https://github.com/org/repo.git,"
            + " without credentials, spaces or quotes (BuildKit fetches it; only public repositories for now)";
    static final String GIT_REF_RULE = "a branch, tag or commit such as main, v1.2.0 or a commit hash: letters,"
            + " digits, '.', '_', '-', '+' and '/', not starting with '-' or '/', no '..'";
    static final String GIT_PATH_RULE = "a folder of the repository, relative to its root, such as app or docker/web";

    private static final Pattern URL = Pattern.compile(
            "https://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%+:/-]*)?");
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9._+][A-Za-z0-9._+/-]*");
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*");

    private BuildContexts() {
    }

    /** A git context, checked; the ref is required so that a build always builds the same commit line. */
    public static BuildContext.GitRepository git(String url, String ref, String path) throws SpecException {
        gitUrl(url);
        if (ref == null) {
            throw new SpecException(GIT_REF, null, GIT_REF_RULE + " (required with gitUrl)");
        }
        gitRef(ref);
        if (path != null) {
            gitPath(path);
        }
        return new BuildContext.GitRepository(url, ref, path);
    }

    /** The repository's URL alone (the forms check it as it is typed); never repeats credentials in it. */
    public static String gitUrl(String url) throws SpecException {
        if (url == null || url.length() > 2048 || !URL.matcher(url).matches()) {
            String shown = url == null ? null : url.replaceFirst("//[^/]*@", "//***@");
            throw new SpecException(GIT_URL, shown, GIT_URL_RULE);
        }
        return url;
    }

    /** The branch, tag or commit alone. */
    public static String gitRef(String ref) throws SpecException {
        if (ref == null || ref.length() > 255 || !REF.matcher(ref).matches() || ref.contains("..")
                || ref.endsWith("/") || ref.endsWith(".lock")) {
            throw new SpecException(GIT_REF, ref, GIT_REF_RULE);
        }
        return ref;
    }

    /** The repository's folder alone. */
    public static String gitPath(String path) throws SpecException {
        if (path == null || !PATH.matcher(path).matches() || ("/" + path + "/").contains("/../")
                || ("/" + path + "/").contains("/./")) {
            throw new SpecException(GIT_PATH, path, GIT_PATH_RULE);
        }
        return path;
    }
}
