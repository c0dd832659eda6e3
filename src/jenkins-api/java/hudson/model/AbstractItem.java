package hudson.model;

import hudson.security.ACL;
import hudson.security.AccessControlled;
import java.io.IOException;
import java.util.Collection;

/** Signature class: public shape of the Jenkins API, never shipped. */
public abstract class AbstractItem extends Actionable implements Item, AccessControlled {
    protected AbstractItem(ItemGroup parent, String name) {
    }

    @Override
    public String getName() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public String getDisplayName() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public ItemGroup getParent() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public abstract Collection<? extends Job> getAllJobs();

    @Override
    public final String getFullName() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public final String getFullDisplayName() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public void onLoad(ItemGroup<? extends Item> parent, String name) throws IOException {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public void onCopiedFrom(Item src) {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public final String getUrl() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public String getShortUrl() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public void save() throws IOException {
        throw new UnsupportedOperationException("signature only");
    }

    @Override
    public void delete() throws IOException, InterruptedException {
        throw new UnsupportedOperationException("signature only");
    }
}
