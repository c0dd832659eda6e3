package hudson.util;

import hudson.model.Run;
import java.util.AbstractList;

/** Signature class: public shape of the Jenkins API, never shipped. */
public class RunList<R extends Run> extends AbstractList<R> {
    public RunList() {
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public R get(int index) {
        throw new UnsupportedOperationException("signature only");
    }
}
