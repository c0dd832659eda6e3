package io.jenkins.plugins.functions.jenkins.impl;

import hudson.Extension;
import io.jenkins.plugins.functions.jenkins.FunctionRuntimeProvider;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.impl.KubeAiRuntime;
import org.jenkinsci.Symbol;

/** Contributes the {@code kubeai} runtime: a KubeAI Model, served behind KubeAI's OpenAI-compatible endpoint. */
@Extension
@Symbol("kubeai")
public class KubeAiRuntimeProvider extends FunctionRuntimeProvider {

    private static final FunctionRuntime RUNTIME = new KubeAiRuntime();

    @Override
    public FunctionRuntime getRuntime() {
        return RUNTIME;
    }
}
