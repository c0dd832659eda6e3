package io.jenkins.plugins.functions.jenkins.impl;

import hudson.Extension;
import io.jenkins.plugins.functions.jenkins.FunctionRuntimeProvider;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.impl.ModelServeRuntime;
import org.jenkinsci.Symbol;

/** Contributes the {@code modelserve} runtime: a scikit-learn, XGBoost or MLflow model on MLServer (Open Inference Protocol V2). */
@Extension
@Symbol("modelserve")
public class ModelServeRuntimeProvider extends FunctionRuntimeProvider {

    private static final FunctionRuntime RUNTIME = new ModelServeRuntime();

    @Override
    public FunctionRuntime getRuntime() {
        return RUNTIME;
    }
}
