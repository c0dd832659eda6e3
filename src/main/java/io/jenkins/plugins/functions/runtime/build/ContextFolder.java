package io.jenkins.plugins.functions.runtime.build;

import io.jenkins.plugins.functions.spec.SpecException;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Packs a folder (of the Jenkins workspace, of the command line's directory) as a build context.
 * Where the folder is, is the caller's: it hands a {@link Files}. The folder's {@code .git}
 * directories are left out (BuildKit reads the rest through {@code .dockerignore} as usual).
 */
public final class ContextFolder {

    /** The field a workspace context is given in. */
    public static final String FIELD = "context";
    static final String RULE = "a folder of the workspace, relative to it, such as . or app or docker/web:"
            + " no absolute path, no '..'";
    private static final Pattern RELATIVE = Pattern.compile("[^/\\\\:]+(?:/[^/\\\\:]+)*");

    /** The files of a folder, as the caller reaches them. Paths are relative, with '/'. */
    public interface Files {
        boolean isDirectory(String path) throws IOException;

        /** The regular files under a folder, as paths relative to that folder, with '/'. */
        List<String> list(String folder) throws IOException;

        byte[] read(String path) throws IOException;

        /** Whether the file has its owner's execute bit (scripts the Dockerfile runs keep it). */
        boolean isExecutable(String path) throws IOException;
    }

    private ContextFolder() {
    }

    /**
     * The folder packed, refusing before anything is sent: a folder that does not exist, one
     * without the Dockerfile, one that packs over the limit.
     *
     * @param folder     {@code .} for the workspace itself, else a relative path
     * @param dockerfile the Dockerfile's path in the folder
     */
    public static BuildContext.Archive pack(String folder, String dockerfile, Files files)
            throws SpecException, IOException {
        String clean = folder.equals(".") || folder.equals("./") ? "." : folder.replaceAll("/+$", "");
        if (!clean.equals(".") && (!RELATIVE.matcher(clean).matches() || ("/" + clean + "/").contains("/../")
                || clean.startsWith("./") || clean.contains("/./"))) {
            throw new SpecException(FIELD, folder, RULE);
        }
        if (!files.isDirectory(clean)) {
            throw new SpecException(FIELD, folder, "a folder that exists in the workspace (" + RULE + ")");
        }
        List<String> names = files.list(clean).stream().filter(ContextFolder::packed).sorted().toList();
        if (!names.contains(dockerfile)) {
            throw new SpecException("dockerfile", dockerfile, "a file of the context folder '" + folder + "' (" + names.size()
                    + (names.size() == 1 ? " file" : " files") + " there); give its path relative to the folder");
        }
        ContextArchive archive = new ContextArchive(FIELD, "workspace folder '" + folder + "'");
        for (String name : names) {
            String path = clean.equals(".") ? name : clean + "/" + name;
            archive.add(name, new ContextArchive.Entry(files.read(path), files.isExecutable(path)));
        }
        return archive.pack();
    }

    /** Leaves out version control folders: never part of an image, often most of a checkout's size. */
    static boolean packed(String relative) {
        for (String part : relative.split("/")) {
            if (part.equals(".git") || part.equals(".svn") || part.equals(".hg")) {
                return false;
            }
        }
        return true;
    }
}
