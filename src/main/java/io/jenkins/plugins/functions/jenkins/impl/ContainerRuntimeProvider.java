package io.jenkins.plugins.functions.jenkins.impl;

import hudson.Extension;
import io.jenkins.plugins.functions.jenkins.FunctionRuntimeProvider;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.impl.ContainerRuntime;
import org.jenkinsci.Symbol;

/** Contributes the {@code container} runtime: any image, run as a Job. */
@Extension
@Symbol("container")
public class ContainerRuntimeProvider extends FunctionRuntimeProvider {

    private static final FunctionRuntime RUNTIME = new ContainerRuntime();

    @Override
    public FunctionRuntime getRuntime() {
        return RUNTIME;
    }
}
