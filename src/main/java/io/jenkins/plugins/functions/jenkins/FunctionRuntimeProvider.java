package io.jenkins.plugins.functions.jenkins;

import hudson.ExtensionList;
import hudson.ExtensionPoint;
import io.jenkins.plugins.functions.runtime.FunctionRuntime;
import io.jenkins.plugins.functions.runtime.RuntimeRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The Jenkins extension point for runtimes: another plugin adds a runtime by registering an
 * {@code @Extension} subclass that returns its {@link FunctionRuntime}. The runtime itself is
 * plain engine code; this class only makes it discoverable in Jenkins.
 *
 * <pre>
 * &#64;Extension
 * public class MyRuntimeProvider extends FunctionRuntimeProvider {
 *     &#64;Override
 *     public FunctionRuntime getRuntime() {
 *         return new MyRuntime();
 *     }
 * }
 * </pre>
 */
public abstract class FunctionRuntimeProvider implements ExtensionPoint {

    /** The runtime this extension contributes. Called often: return a shared, immutable instance. */
    public abstract FunctionRuntime getRuntime();

    /** Every runtime installed in this Jenkins. */
    public static RuntimeRegistry registry() {
        List<FunctionRuntime> runtimes = new ArrayList<>();
        for (FunctionRuntimeProvider provider : ExtensionList.lookup(FunctionRuntimeProvider.class)) {
            runtimes.add(provider.getRuntime());
        }
        return new RuntimeRegistry(runtimes);
    }
}
