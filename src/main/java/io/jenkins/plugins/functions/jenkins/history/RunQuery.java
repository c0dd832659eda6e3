package io.jenkins.plugins.functions.jenkins.history;

import io.jenkins.plugins.functions.model.ActionKind;
import io.jenkins.plugins.functions.run.RunState;
import io.jenkins.plugins.functions.spec.Names;
import io.jenkins.plugins.functions.spec.SpecException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A question to the "Function runs" page of a job: which runs (function, action, state; each
 * optional) and from where (a {@linkplain #from() cursor}: a build number and the position of a
 * run in it). Values come from a request and are checked here: an unknown value is an error the
 * page shows, never an exception. Immutable.
 */
public final class RunQuery {

    /** Runs a page shows. */
    public static final int PAGE_SIZE = 50;
    /**
     * Builds one request may load while looking for matches: a filter that matches nothing in a
     * job with 100,000 builds stops here, and the page offers to go on from where it stopped.
     */
    public static final int MAX_BUILDS_PER_PAGE = 1000;

    private static final Pattern CURSOR = Pattern.compile("(\\d{1,9})(?:\\.(\\d{1,4}))?");

    private final String function;
    private final ActionKind action;
    private final RunState state;
    private final Cursor from;
    private final List<String> errors;

    private RunQuery(String function, ActionKind action, RunState state, Cursor from, List<String> errors) {
        this.function = function;
        this.action = action;
        this.state = state;
        this.from = from;
        this.errors = List.copyOf(errors);
    }

    /** Every run, newest first. */
    public static RunQuery all() {
        return new RunQuery(null, null, null, null, List.of());
    }

    /**
     * A query from request values; blank values mean "any". A value that is not allowed is left
     * out of the query and reported in {@link #errors()}, naming the field, the value and what is
     * allowed.
     */
    public static RunQuery of(String function, String action, String state, String from) {
        List<String> errors = new ArrayList<>();
        String f = blankToNull(function);
        if (f != null && !Names.isDns1123Label(f)) {
            errors.add(new SpecException("function", f, Names.DNS_1123_LABEL_RULE).getMessage());
            f = null;
        }
        ActionKind a = null;
        String av = blankToNull(action);
        if (av != null) {
            try {
                a = ActionKind.parse(av.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new SpecException("action", av, "must be one of " + Arrays.stream(ActionKind.values())
                        .map(ActionKind::id).collect(Collectors.joining(", "))).getMessage());
            }
        }
        RunState s = null;
        String sv = blankToNull(state);
        if (sv != null) {
            try {
                s = RunState.valueOf(sv.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new SpecException("state", sv, "must be one of " + Arrays.stream(RunState.values())
                        .map(Enum::name).collect(Collectors.joining(", "))).getMessage());
            }
        }
        Cursor c = null;
        String fv = blankToNull(from);
        if (fv != null) {
            Matcher m = CURSOR.matcher(fv);
            if (m.matches()) {
                c = new Cursor(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
            } else {
                errors.add(new SpecException("from", fv, "must be a build number, optionally followed by '.' and"
                        + " the position of a run in that build (12 or 12.3)").getMessage());
            }
        }
        return new RunQuery(f, a, s, c, errors);
    }

    /**
     * A query from one URL path segment, {@code function=web,state=RUNNING,from=12.1} (keys in any
     * order, each optional; {@code all} or empty for every run). Used by the REST API, where
     * query parameters cannot be bound.
     */
    public static RunQuery parse(String spec) {
        String function = null;
        String action = null;
        String state = null;
        String from = null;
        List<String> errors = new ArrayList<>();
        String s = spec == null ? "" : spec.trim();
        if (!s.isEmpty() && !s.equals("all")) {
            for (String part : s.split(",")) {
                int eq = part.indexOf('=');
                String key = eq < 0 ? part : part.substring(0, eq).trim();
                String value = eq < 0 ? "" : part.substring(eq + 1).trim();
                switch (key) {
                    case "function" -> function = value;
                    case "action" -> action = value;
                    case "state" -> state = value;
                    case "from" -> from = value;
                    default -> errors.add(new SpecException("filter", part,
                            "must be key=value with key function, action, state or from").getMessage());
                }
            }
        }
        RunQuery q = of(function, action, state, from);
        if (errors.isEmpty()) {
            return q;
        }
        errors.addAll(0, q.errors);
        return new RunQuery(q.function, q.action, q.state, q.from, errors);
    }

    /** Whether a run matches the filters (the cursor is not a filter). */
    public boolean matches(FunctionRunAction run) {
        if (function != null && !function.equals(run.getFunction())) {
            return false;
        }
        if (action != null && !action.id().equals(run.getAction())) {
            return false;
        }
        return state == null || state.name().equals(run.getState());
    }

    /** The same filters, from another place. */
    public RunQuery from(Cursor cursor) {
        return new RunQuery(function, action, state, cursor, errors);
    }

    public String function() {
        return function;
    }

    public ActionKind action() {
        return action;
    }

    public RunState state() {
        return state;
    }

    /** Where the page starts; null: at the newest build. */
    public Cursor from() {
        return from;
    }

    public List<String> errors() {
        return errors;
    }

    /** The query string of this query, for links ({@code function=web&state=ERROR&from=12.1}). */
    public String toQueryString() {
        List<String> parts = new ArrayList<>();
        add(parts, "function", function);
        add(parts, "action", action == null ? null : action.id());
        add(parts, "state", state == null ? null : state.name());
        add(parts, "from", from == null ? null : from.toString());
        return String.join("&", parts);
    }

    /** This query as one path segment for the REST API ({@code function=web,from=12.1}), {@code all} when empty. */
    public String toPathSegment() {
        List<String> parts = new ArrayList<>();
        if (function != null) {
            parts.add("function=" + function);
        }
        if (action != null) {
            parts.add("action=" + action.id());
        }
        if (state != null) {
            parts.add("state=" + state.name());
        }
        if (from != null) {
            parts.add("from=" + from);
        }
        return parts.isEmpty() ? "all" : String.join(",", parts);
    }

    private static void add(List<String> parts, String key, String value) {
        if (value != null) {
            parts.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunQuery q && Objects.equals(function, q.function) && action == q.action
                && state == q.state && Objects.equals(from, q.from) && errors.equals(q.errors);
    }

    @Override
    public int hashCode() {
        return Objects.hash(function, action, state, from, errors);
    }

    @Override
    public String toString() {
        return "RunQuery[" + toPathSegment() + (errors.isEmpty() ? "" : ", errors " + errors) + "]";
    }

    /**
     * A place in a job's runs: a build, and the position of a run in that build counted newest
     * first (a build's runs are listed newest first, like its builds).
     *
     * @param build    the build number
     * @param position 0 for the build's newest run
     */
    public record Cursor(int build, int position) {
        @Override
        public String toString() {
            return position == 0 ? String.valueOf(build) : build + "." + position;
        }
    }
}
