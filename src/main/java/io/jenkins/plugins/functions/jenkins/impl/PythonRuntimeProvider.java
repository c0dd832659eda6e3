package io.jenkins.plugins.functions.jenkins.impl;

import hudson.Extension;
import io.jenkins.plugins.functions.jenkins.FunctionRuntimeProvider;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.impl.PythonRuntime;
import org.jenkinsci.Symbol;

/** Contributes the {@code python} runtime: Python code and a handler, run by the plugin's runner. */
@Extension
@Symbol("python")
public class PythonRuntimeProvider extends FunctionRuntimeProvider {

    private static final FunctionRuntime RUNTIME = new PythonRuntime();

    @Override
    public FunctionRuntime getRuntime() {
        return RUNTIME;
    }
}
