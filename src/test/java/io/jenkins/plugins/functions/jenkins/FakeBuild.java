package io.jenkins.plugins.functions.jenkins;

import com.thoughtworks.xstream.XStream;
import hudson.model.Action;
import hudson.model.Cause;
import hudson.model.ItemGroup;
import hudson.model.Job;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jenkins.model.RunAction2;

/**
 * A build test double that persists like a Jenkins build, where the plugin's behaviour depends on
 * it (see {@code ../shared/jenkins-api/behaviour.md}):
 *
 * <ul>
 *   <li>{@link #save()} serialises every action of the build with XStream into
 *       {@code <build dir>/build.xml}, whole, under the build's lock, as {@code Run.save()} does;
 *       it counts the saves and the bytes written.
 *   <li>{@link #load} reads a build back from its directory and calls {@code onLoad} on its
 *       {@link RunAction2}s, as Jenkins does after a restart: only what was saved comes back.
 *   <li>The build log is the file {@code <build dir>/log}, written through a buffer that reaches
 *       the disk only when it is flushed or full (Jenkins' build log streams buffer too): a copy
 *       of the directory taken without a flush ({@link #crashCopy}) is what a killed controller
 *       leaves.
 * </ul>
 *
 * Each build gets a directory of its own under {@code target/fake-builds/} unless one is given.
 */
public final class FakeBuild extends Run<FakeBuild.FakeJob, FakeBuild> {

    private static final AtomicInteger DIRS = new AtomicInteger();

    private final String jobName;
    private final int number;
    private final File rootDir;
    private final List<Action> actions = new CopyOnWriteArrayList<>();
    private final AtomicInteger saves = new AtomicInteger();
    private final AtomicLong bytesSaved = new AtomicLong();
    private volatile boolean building = true;
    private volatile List<Cause> causes = List.of();
    /** The build log's stream: to the log file, or to memory when the log is kept elsewhere. */
    private PrintStream logStream;
    private ByteArrayOutputStream memoryLog;

    public FakeBuild(String jobName, int number) {
        this(jobName, number, newDir(jobName, number));
    }

    /** A build kept in {@code rootDir}: its log is {@code rootDir/log}, appended to. */
    public FakeBuild(String jobName, int number, File rootDir) {
        super(new FakeJob(), 0L);
        this.jobName = jobName;
        this.number = number;
        this.rootDir = rootDir;
        try {
            Files.createDirectories(rootDir.toPath());
            Path log = rootDir.toPath().resolve("log");
            if (!Files.exists(log)) {
                Files.createFile(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static File newDir(String jobName, int number) {
        return new File("target/fake-builds/" + jobName + "/" + number + "-" + ProcessHandle.current().pid() + "-"
                + DIRS.incrementAndGet());
    }

    /** One XStream for every build, as Jenkins has (Run.XSTREAM): it is thread-safe once set up. */
    private static final XStream XSTREAM = newXStream();

    static XStream xstream() {
        return XSTREAM;
    }

    /** Whose XStream reads and writes build.xml: the plugin's classes and Jenkins' own. */
    private static XStream newXStream() {
        XStream x = new XStream();
        x.allowTypesByWildcard(new String[] {"io.jenkins.plugins.functions.**", "hudson.**", "jenkins.**",
                "com.dabsquared.**", "java.**"});
        x.alias("build", Saved.class);
        return x;
    }

    /** What build.xml holds here: the build's number and its actions. */
    static final class Saved {
        int number;
        List<Action> actions;
    }

    /**
     * A build read back from its directory, as Jenkins loads it after a restart: the actions of
     * its last {@code build.xml} (none if it was never saved), each {@link RunAction2} told
     * {@code onLoad}; its log goes on at the end of the log file.
     */
    public static FakeBuild load(String jobName, int number, File rootDir) throws IOException {
        FakeBuild build = new FakeBuild(jobName, number, rootDir);
        Path xml = rootDir.toPath().resolve("build.xml");
        if (Files.exists(xml)) {
            Saved saved = (Saved) xstream().fromXML(Files.readString(xml, StandardCharsets.UTF_8));
            if (saved.actions != null) {
                build.actions.addAll(saved.actions);
            }
        }
        for (Action a : new ArrayList<>(build.actions)) {
            if (a instanceof RunAction2 r) {
                r.onLoad(build);
            }
        }
        return build;
    }

    @Override
    public String getExternalizableId() {
        return jobName + "#" + number;
    }

    @Override
    public int getNumber() {
        return number;
    }

    @Override
    public String getUrl() {
        return "job/" + jobName.replace("/", "/job/") + "/" + number + "/";
    }

    @Override
    public String getFullDisplayName() {
        return jobName + " #" + number;
    }

    public String jobName() {
        return jobName;
    }

    @Override
    public File getRootDir() {
        return rootDir;
    }

    /** Writes the whole build.xml, every action through XStream, atomically, as Run.save() does. */
    @Override
    public synchronized void save() throws IOException {
        Saved saved = new Saved();
        saved.number = number;
        saved.actions = new ArrayList<>(actions);
        byte[] xml = xstream().toXML(saved).getBytes(StandardCharsets.UTF_8);
        Path file = rootDir.toPath().resolve("build.xml");
        Path tmp = rootDir.toPath().resolve("build.xml.tmp");
        Files.write(tmp, xml);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        saves.incrementAndGet();
        bytesSaved.addAndGet(xml.length);
    }

    public int saves() {
        return saves.get();
    }

    /** The bytes all saves of build.xml wrote. */
    public long bytesSaved() {
        return bytesSaved.get();
    }

    /** Running until {@link #finish()}. */
    @Override
    public boolean isBuilding() {
        return building;
    }

    public FakeBuild finish() {
        building = false;
        return this;
    }

    @Override
    public List<Action> getActions() {
        return actions;
    }

    @Override
    public <T extends Action> List<T> getActions(Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public <T extends Action> T getAction(Class<T> type) {
        return getActions(type).stream().findFirst().orElse(null);
    }

    @Override
    public void addAction(Action a) {
        actions.add(a);
        if (a instanceof RunAction2 r) {
            r.onAttached(this);
        }
    }

    /** The build's causes (what started it); none unless set. */
    public FakeBuild withCauses(Cause... newCauses) {
        this.causes = List.of(newCauses);
        return this;
    }

    @Override
    public List<Cause> getCauses() {
        return causes;
    }

    /** The log is kept elsewhere (an external log storage): no {@code log} file, lines go to memory. */
    public synchronized FakeBuild withoutLogFile() {
        try {
            Files.deleteIfExists(rootDir.toPath().resolve("log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        memoryLog = new ByteArrayOutputStream();
        logStream = new PrintStream(memoryLog, true, StandardCharsets.UTF_8);
        return this;
    }

    /** The build log's listener: every step and builder of the build writes to the one log. */
    public TaskListener listener() {
        PrintStream stream = logStream();
        return () -> stream;
    }

    private synchronized PrintStream logStream() {
        if (logStream == null) {
            try {
                OutputStream file = new FileOutputStream(new File(rootDir, "log"), true);
                logStream = new PrintStream(new BufferedOutputStream(file, 8192), false, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return logStream;
    }

    /** The build log as a user sees it: flushed, then read. */
    public String log() {
        PrintStream stream = logStream();
        stream.flush();
        synchronized (this) {
            if (memoryLog != null) {
                return memoryLog.toString(StandardCharsets.UTF_8);
            }
        }
        try {
            return Files.readString(rootDir.toPath().resolve("log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of the build's directory as it is on disk now, nothing flushed or saved first: what
     * a controller killed at this instant leaves behind.
     */
    public File crashCopy(String label) throws IOException {
        File copy = new File(rootDir.getPath() + "-" + label);
        Path from = rootDir.toPath();
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path to = copy.toPath().resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    try {
                        Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // a temporary file renamed meanwhile: not there at the instant of the crash
                    }
                }
            }
        }
        return copy;
    }

    @Override
    public String toString() {
        return getFullDisplayName();
    }

    /** The build's job: only its type matters to the plugin (names come from the build's id). */
    public static final class FakeJob extends Job<FakeJob, FakeBuild> {
        FakeJob() {
            super((ItemGroup) null, "fake");
        }

        @Override
        public boolean isBuildable() {
            return true;
        }

        @Override
        protected SortedMap<Integer, ? extends FakeBuild> _getRuns() {
            return new TreeMap<>();
        }

        @Override
        protected void removeRun(FakeBuild run) {
        }
    }
}
