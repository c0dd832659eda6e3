package hudson;

import java.io.File;
import java.io.IOException;

/** Signature class: public shape of the Jenkins API, never shipped. */
public final class FilePath {
    public FilePath(File localPath) {
    }

    public FilePath(FilePath base, String rel) {
    }

    public String getRemote() {
        throw new UnsupportedOperationException("signature only");
    }

    public String getName() {
        throw new UnsupportedOperationException("signature only");
    }

    public FilePath child(String relOrAbsolute) {
        throw new UnsupportedOperationException("signature only");
    }

    public boolean exists() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("signature only");
    }

    public boolean isDirectory() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("signature only");
    }

    public FilePath[] list(String includes, String excludes) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("signature only");
    }

    public String readToString() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("signature only");
    }

    public java.io.InputStream read() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("signature only");
    }

    public int mode() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("signature only");
    }
}
