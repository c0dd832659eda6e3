package io.jenkins.plugins.functions.jenkins.forms;

import hudson.model.Item;
import hudson.model.ItemGroup;
import hudson.model.Job;
import hudson.security.ACL;
import hudson.security.Permission;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A job as a form's {@code @AncestorInPath}: its full name (the folder rules read it) and whether
 * the current user has permissions on it. (Outside Jenkins every {@code Permission} constant is
 * null, so the double answers for all of them at once.) Counts the permission questions, so a
 * test can see that a check asked.
 */
public final class FakeItem implements Item {

    private final String fullName;
    private final boolean permitted;
    private final AtomicInteger asked = new AtomicInteger();

    private FakeItem(String fullName, boolean permitted) {
        this.fullName = fullName;
        this.permitted = permitted;
    }

    /** A job the current user may configure. */
    public static FakeItem configurable(String fullName) {
        return new FakeItem(fullName, true);
    }

    /** A job the current user may only read. */
    public static FakeItem readOnly(String fullName) {
        return new FakeItem(fullName, false);
    }

    /** How many times a permission was asked for. */
    public int permissionQuestions() {
        return asked.get();
    }

    @Override
    public boolean hasPermission(Permission permission) {
        asked.incrementAndGet();
        return permitted;
    }

    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("not used by the forms");
    }

    @Override
    public ItemGroup<? extends Item> getParent() {
        return null;
    }

    @Override
    public Collection<? extends Job> getAllJobs() {
        return List.of();
    }

    @Override
    public String getName() {
        return fullName.substring(fullName.lastIndexOf('/') + 1);
    }

    @Override
    public String getFullName() {
        return fullName;
    }

    @Override
    public String getDisplayName() {
        return getName();
    }

    @Override
    public String getFullDisplayName() {
        return fullName;
    }

    @Override
    public String getUrl() {
        return "job/" + fullName.replace("/", "/job/") + "/";
    }

    @Override
    public String getShortUrl() {
        return "job/" + getName() + "/";
    }

    @Override
    public void onLoad(ItemGroup<? extends Item> parent, String name) {
    }

    @Override
    public void onCopiedFrom(Item src) {
    }

    @Override
    public void save() {
    }

    @Override
    public void delete() {
    }

    @Override
    public String toString() {
        return fullName;
    }
}
