package io.jenkins.plugins.functions.testing;

import io.fabric8.kubernetes.api.model.Container;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A tiny interpreter for the {@code sh -c <script>} of well-known shell images, so that a test
 * scenario written as a real container command runs unchanged on the simulator and on a real
 * cluster. It does not run anything: it turns the script into a {@link PodBehavior} (timed log
 * lines, a termination message, an exit code) ahead of time.
 *
 * <p>Which containers: the image's last path segment starts with {@code busybox} or {@code
 * alpine} (any registry, any tag). The command is {@code command + args}: {@code [sh|bash|ash,
 * -c, SCRIPT]} (also {@code /bin/sh}, and flags such as {@code -ec}) interprets SCRIPT; any other
 * command line is run as one simple command ({@code ["echo", "hi"]}, {@code ["sleep", "5"]});
 * no command at all (the images' default {@code sh} without a terminal) exits 0 at once.
 *
 * <p>Grammar:
 * <pre>
 * script      := statement (separator statement)*
 * separator   := ';' | newline | '&amp;&amp;' | '||' | '&amp;'   ('&amp;' runs sequentially too)
 * statement   := word+ redirection*            (redirections may stand anywhere after the name)
 * word        := unquoted | 'single quoted' | "double quoted (\" \\ \$ \` escapes)" | \x
 * redirection := [fd]('&gt;' | '&gt;&gt;') target | [fd]'&gt;&amp;'fd | '&amp;&gt;' target | '&lt;' target
 * comment     := '#' to the end of the line, where a word could start
 * </pre>
 * Commands:
 * <ul>
 *   <li>{@code echo [-n] [-e] words...}: writes the words joined by spaces and a newline
 *       ({@code -n}: none; {@code -e}: interprets {@code \n \t \\});
 *   <li>{@code printf FORMAT [args...]}: {@code %s %d %i %b %%} and the escapes {@code \n \t \\
 *       \" \'}; the format is reused while arguments remain, as in POSIX;
 *   <li>{@code sleep N}: N seconds, decimals allowed, suffixes {@code s m h}; {@code sleep
 *       infinity} runs forever. A second is a {@link ClusterSimulator#specSecond spec second};
 *   <li>{@code exit [N]}: ends the script with N (default: the last command's status);
 *   <li>{@code true}, {@code :}, {@code false}; {@code set}, {@code export}, {@code cd} and
 *       {@code trap} are accepted and ignored;
 *   <li>anything else writes {@code sh: NAME: not found} and has status 127, like a real shell.
 * </ul>
 * Output goes to the container log, except: to the container's termination message path
 * (default {@code /dev/termination-log}) it becomes the termination message ({@code >} replaces,
 * {@code >>} appends; the text is kept as written, so {@code echo} leaves a trailing newline, as
 * the real kubelet does); to {@code /dev/null} or any other file it is dropped. A partial last
 * line is flushed when the container exits. The script's exit code is the {@code exit} argument
 * or the last command's status.
 *
 * <p>Not supported, and reported as a container that writes {@code sh: syntax not supported by
 * the simulator: ...} and exits 2: pipes, command substitution ({@code $(..)} and backquotes),
 * subshells, {@code if/for/while/case}, functions. Variables are not expanded: {@code $X} stays
 * as written.
 */
final class ShellScript {

    private static final Set<String> SHELLS = Set.of("sh", "/bin/sh", "bash", "/bin/bash", "ash", "/bin/ash",
            "/usr/bin/sh", "/usr/bin/bash", "/bin/busybox");
    private static final Set<String> KEYWORDS = Set.of("if", "then", "else", "elif", "fi", "for", "while", "until",
            "do", "done", "case", "esac", "function", "{", "}", "[[", "]]");
    static final String DEFAULT_TERMINATION_PATH = "/dev/termination-log";

    private ShellScript() {}

    /** True if the image is one whose shell commands are interpreted. */
    static boolean isShellImage(String image) {
        if (image == null) {
            return false;
        }
        String name = image;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        name = name.substring(name.lastIndexOf('/') + 1);
        return name.startsWith("busybox") || name.startsWith("alpine");
    }

    /** The behaviour of a shell-image container, or null if it is not one. */
    static PodBehavior behaviorFor(Container c, Duration specSecond) {
        if (!isShellImage(c.getImage())) {
            return null;
        }
        List<String> argv = new ArrayList<>();
        if (c.getCommand() != null) {
            argv.addAll(c.getCommand());
        }
        if (c.getArgs() != null) {
            argv.addAll(c.getArgs());
        }
        String terminationPath = c.getTerminationMessagePath() != null ? c.getTerminationMessagePath()
                : DEFAULT_TERMINATION_PATH;
        Interpreter in = new Interpreter(specSecond, terminationPath);
        try {
            if (argv.isEmpty()) {
                return in.finish();
            }
            if (SHELLS.contains(argv.get(0)) && argv.size() >= 3 && argv.get(1).matches("-[a-z]*c[a-z]*")) {
                in.run(parse(argv.get(2)));
            } else if (SHELLS.contains(argv.get(0)) && argv.size() == 1) {
                return in.finish();
            } else {
                in.run(List.of(new Statement(argv, List.of(), Connector.SEQ)));
            }
            return in.finish();
        } catch (UnsupportedSyntax e) {
            return PodBehavior.scripted(
                    List.of(new PodBehavior.TimedLine(Duration.ZERO,
                            "sh: syntax not supported by the simulator: " + e.getMessage())),
                    Duration.ZERO, 2, null);
        }
    }

    // ------------------------------------------------------------------ parsing

    enum Connector { SEQ, AND, OR }

    record Redirect(int fd, boolean append, String target, boolean dup) {}

    record Statement(List<String> words, List<Redirect> redirects, Connector connector) {}

    static final class UnsupportedSyntax extends RuntimeException {
        UnsupportedSyntax(String what) {
            super(what);
        }
    }

    /** Splits a script into statements (see the class comment for the grammar). */
    static List<Statement> parse(String s) {
        List<Statement> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        List<Redirect> redirects = new ArrayList<>();
        Connector next = Connector.SEQ;
        StringBuilder word = new StringBuilder();
        boolean inWord = false; // distinguishes '' (an empty word) from no word
        boolean quoted = false;
        Redirect pending = null; // a redirection waiting for its target word
        int n = s.length();
        int i = 0;
        while (i <= n) {
            char c = i < n ? s.charAt(i) : '\n';
            boolean end = i == n;
            // Word boundaries: whitespace and operators end the current word.
            if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '>' || c == '<') {
                String fdDigits = null;
                if ((c == '>' || c == '<') && inWord && !quoted && word.toString().matches("[0-9]")) {
                    fdDigits = word.toString(); // "2>..." : the word was a file descriptor
                    word.setLength(0);
                    inWord = false;
                }
                if (inWord) {
                    if (pending != null) {
                        redirects.add(new Redirect(pending.fd(), pending.append(), word.toString(), false));
                        pending = null;
                    } else {
                        words.add(word.toString());
                    }
                    word.setLength(0);
                    inWord = false;
                    quoted = false;
                }
                if (c == ' ' || c == '\t') {
                    i++;
                    continue;
                }
                if (c == '>' || c == '<') {
                    if (pending != null) {
                        throw new UnsupportedSyntax("redirection without a target");
                    }
                    int fd = fdDigits != null ? Integer.parseInt(fdDigits) : (c == '<' ? 0 : 1);
                    if (c == '<') {
                        pending = new Redirect(0, false, null, false);
                        i++;
                        continue;
                    }
                    boolean append = i + 1 < n && s.charAt(i + 1) == '>';
                    i += append ? 2 : 1;
                    if (i < n && s.charAt(i) == '&') { // >&2, 2>&1: duplicates, output stays in the log
                        int j = i + 1;
                        while (j < n && Character.isDigit(s.charAt(j))) {
                            j++;
                        }
                        if (j == i + 1) {
                            throw new UnsupportedSyntax("'>&' without a file descriptor");
                        }
                        redirects.add(new Redirect(fd, append, null, true));
                        i = j;
                        continue;
                    }
                    pending = new Redirect(fd, append, null, false);
                    continue;
                }
                // A separator.
                Connector connector = Connector.SEQ;
                if (c == '&') {
                    if (i + 1 < n && s.charAt(i + 1) == '>') { // &> target: both streams
                        boolean append = i + 2 < n && s.charAt(i + 2) == '>';
                        pending = new Redirect(-1, append, null, false);
                        i += append ? 3 : 2;
                        continue;
                    }
                    if (i + 1 < n && s.charAt(i + 1) == '&') {
                        connector = Connector.AND;
                        i++;
                    }
                } else if (c == '|') {
                    if (i + 1 < n && s.charAt(i + 1) == '|') {
                        connector = Connector.OR;
                        i++;
                    } else {
                        throw new UnsupportedSyntax("pipe '|'");
                    }
                }
                if (pending != null) {
                    throw new UnsupportedSyntax("redirection without a target");
                }
                if (!words.isEmpty() || !redirects.isEmpty()) {
                    if (KEYWORDS.contains(words.isEmpty() ? "" : words.get(0))) {
                        throw new UnsupportedSyntax("'" + words.get(0) + "'");
                    }
                    out.add(new Statement(List.copyOf(words), List.copyOf(redirects), next));
                    words.clear();
                    redirects.clear();
                } else if (connector != Connector.SEQ) {
                    throw new UnsupportedSyntax("'" + (connector == Connector.AND ? "&&" : "||") + "' without a command");
                }
                next = connector;
                if (end) {
                    break;
                }
                i++;
                continue;
            }
            if (c == '#' && !inWord) {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '\'') {
                int close = s.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new UnsupportedSyntax("unterminated quote");
                }
                word.append(s, i + 1, close);
                inWord = true;
                quoted = true;
                i = close + 1;
                continue;
            }
            if (c == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new UnsupportedSyntax("unterminated quote");
                    }
                    char d = s.charAt(i);
                    if (d == '"') {
                        break;
                    }
                    if (d == '\\' && i + 1 < n && "\"\\$`\n".indexOf(s.charAt(i + 1)) >= 0) {
                        if (s.charAt(i + 1) != '\n') {
                            word.append(s.charAt(i + 1));
                        }
                        i += 2;
                        continue;
                    }
                    if (d == '`' || (d == '$' && i + 1 < n && s.charAt(i + 1) == '(')) {
                        throw new UnsupportedSyntax("command substitution");
                    }
                    word.append(d);
                    i++;
                }
                inWord = true;
                quoted = true;
                i++;
                continue;
            }
            if (c == '\\') {
                if (i + 1 < n && s.charAt(i + 1) == '\n') { // line continuation
                    i += 2;
                    continue;
                }
                if (i + 1 < n) {
                    word.append(s.charAt(i + 1));
                    inWord = true;
                    quoted = true;
                    i += 2;
                } else {
                    i++;
                }
                continue;
            }
            if (c == '`' || (c == '$' && i + 1 < n && s.charAt(i + 1) == '(')) {
                throw new UnsupportedSyntax("command substitution");
            }
            if (c == '(' || c == ')') {
                throw new UnsupportedSyntax("subshell or function '" + c + "'");
            }
            word.append(c);
            inWord = true;
            i++;
        }
        return out;
    }

    // ------------------------------------------------------------------ running

    private static final class Interpreter {
        private final Duration specSecond;
        private final String terminationPath;
        private final List<PodBehavior.TimedLine> lines = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private Duration offset = Duration.ZERO;
        private String terminationMessage;
        private int status;
        private boolean exited;
        private boolean forever;

        Interpreter(Duration specSecond, String terminationPath) {
            this.specSecond = specSecond;
            this.terminationPath = terminationPath;
        }

        void run(List<Statement> statements) {
            for (Statement st : statements) {
                if (exited || forever) {
                    return;
                }
                if (st.connector() == Connector.AND && status != 0 || st.connector() == Connector.OR && status == 0) {
                    continue;
                }
                execute(st);
            }
        }

        private void execute(Statement st) {
            // Where stdout (1) and stderr (2) go: "log", "term", "drop".
            String out = "log";
            String err = "log";
            boolean truncateTerm = false;
            for (Redirect r : st.redirects()) {
                if (r.dup() || r.fd() == 0) {
                    continue; // 2>&1, >&2, < file: everything ends in the same log anyway
                }
                String dest;
                if (terminationPath.equals(r.target())) {
                    dest = "term";
                    truncateTerm |= !r.append();
                } else if ("/dev/stdout".equals(r.target()) || "/dev/stderr".equals(r.target())) {
                    dest = "log";
                } else {
                    dest = "drop"; // /dev/null and files nobody will read
                }
                if (r.fd() == 1 || r.fd() == -1) {
                    out = dest;
                }
                if (r.fd() == 2 || r.fd() == -1) {
                    err = dest;
                }
            }
            if (truncateTerm) {
                terminationMessage = "";
            }
            List<String> w = st.words();
            if (w.isEmpty()) {
                status = 0;
                return;
            }
            String cmd = w.get(0);
            List<String> args = w.subList(1, w.size());
            switch (cmd) {
                case "echo" -> {
                    boolean newline = true;
                    boolean escapes = false;
                    int k = 0;
                    while (k < args.size() && args.get(k).matches("-[neE]+")) {
                        newline &= !args.get(k).contains("n");
                        escapes = args.get(k).contains("e") || escapes && !args.get(k).contains("E");
                        k++;
                    }
                    String text = String.join(" ", args.subList(k, args.size()));
                    if (escapes) {
                        text = unescape(text);
                    }
                    write(out, newline ? text + "\n" : text);
                    status = 0;
                }
                case "printf" -> {
                    if (args.isEmpty()) {
                        write(err, "printf: usage: printf FORMAT [ARGUMENT]...\n");
                        status = 2;
                    } else {
                        write(out, printf(args.get(0), args.subList(1, args.size())));
                        status = 0;
                    }
                }
                case "sleep" -> sleep(args, err);
                case "exit" -> {
                    if (!args.isEmpty()) {
                        try {
                            status = Integer.parseInt(args.get(0)) & 0xff;
                        } catch (NumberFormatException e) {
                            write(err, "sh: exit: Illegal number: " + args.get(0) + "\n");
                            status = 2;
                        }
                    }
                    exited = true;
                }
                case "true", ":", "set", "export", "cd", "trap", "ulimit", "umask" -> status = 0;
                case "false" -> status = 1;
                default -> {
                    write(err, "sh: " + cmd + ": not found\n");
                    status = 127;
                }
            }
        }

        private void sleep(List<String> args, String err) {
            if (args.isEmpty()) {
                write(err, "sleep: missing operand\n");
                status = 1;
                return;
            }
            String a = args.get(0).toLowerCase(Locale.ROOT);
            if (a.equals("infinity") || a.equals("inf")) {
                forever = true;
                status = 0;
                return;
            }
            BigDecimal factor = BigDecimal.ONE;
            if (a.endsWith("s")) {
                a = a.substring(0, a.length() - 1);
            } else if (a.endsWith("m")) {
                a = a.substring(0, a.length() - 1);
                factor = BigDecimal.valueOf(60);
            } else if (a.endsWith("h")) {
                a = a.substring(0, a.length() - 1);
                factor = BigDecimal.valueOf(3600);
            }
            try {
                BigDecimal seconds = new BigDecimal(a).multiply(factor);
                if (seconds.signum() < 0) {
                    throw new NumberFormatException();
                }
                long nanos = seconds.multiply(BigDecimal.valueOf(specSecond.toNanos())).longValue();
                offset = offset.plusNanos(nanos);
                status = 0;
            } catch (NumberFormatException e) {
                write(err, "sleep: invalid number '" + args.get(0) + "'\n");
                status = 1;
            }
        }

        private void write(String dest, String text) {
            switch (dest) {
                case "term" -> terminationMessage = (terminationMessage == null ? "" : terminationMessage) + text;
                case "log" -> {
                    partial.append(text);
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                        lines.add(new PodBehavior.TimedLine(offset, partial.substring(0, nl)));
                        partial.delete(0, nl + 1);
                    }
                }
                default -> { }
            }
        }

        PodBehavior finish() {
            if (partial.length() > 0) {
                lines.add(new PodBehavior.TimedLine(offset, partial.toString()));
                partial.setLength(0);
            }
            PodBehavior b = PodBehavior.scripted(lines, offset, status, terminationMessage);
            return forever ? b.runForever() : b;
        }
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char d = s.charAt(++i);
                switch (d) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case '\\' -> b.append('\\');
                    case '"' -> b.append('"');
                    case '\'' -> b.append('\'');
                    default -> b.append('\\').append(d);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String printf(String format, List<String> args) {
        StringBuilder b = new StringBuilder();
        int used = 0;
        do {
            int consumedThisRound = 0;
            for (int i = 0; i < format.length(); i++) {
                char c = format.charAt(i);
                if (c == '\\' && i + 1 < format.length()) {
                    b.append(unescape(format.substring(i, i + 2)));
                    i++;
                } else if (c == '%' && i + 1 < format.length()) {
                    char d = format.charAt(++i);
                    switch (d) {
                        case '%' -> b.append('%');
                        case 's' -> b.append(used < args.size() ? args.get(used++) : "");
                        case 'b' -> b.append(used < args.size() ? unescape(args.get(used++)) : "");
                        case 'd', 'i' -> {
                            String a = used < args.size() ? args.get(used++) : "0";
                            try {
                                b.append(Long.parseLong(a.trim()));
                            } catch (NumberFormatException e) {
                                b.append(0);
                            }
                        }
                        default -> b.append('%').append(d);
                    }
                    if (d != '%') {
                        consumedThisRound++;
                    }
                } else {
                    b.append(c);
                }
            }
            if (consumedThisRound == 0) {
                break;
            }
        } while (used < args.size());
        return b.toString();
    }
}
