package io.jenkins.plugins.functions.jenkins.impl;

import hudson.Extension;
import io.jenkins.plugins.functions.jenkins.FunctionRuntimeProvider;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.impl.VllmRuntime;
import org.jenkinsci.Symbol;

/** Contributes the {@code vllm} runtime: a large language model on vLLM's OpenAI-compatible server. */
@Extension
@Symbol("vllm")
public class VllmRuntimeProvider extends FunctionRuntimeProvider {

    private static final FunctionRuntime RUNTIME = new VllmRuntime();

    @Override
    public FunctionRuntime getRuntime() {
        return RUNTIME;
    }
}
