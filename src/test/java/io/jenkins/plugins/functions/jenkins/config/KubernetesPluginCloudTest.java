package io.jenkins.plugins.functions.jenkins.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import org.junit.jupiter.api.Test;

/**
 * Outside Jenkins (no jenkins.model.Jenkins class) a configured cloud cannot be reached: the
 * error says so instead of failing with a linkage error, and no kubernetes plugin class is ever
 * linked from this plugin's classes (the plugin is optional).
 */
class KubernetesPluginCloudTest {

    @Test
    void outsideJenkinsTheCloudIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> KubernetesPluginCloud.connect("k8s"))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("the cloud 'k8s' can only be used inside Jenkins");
    }
}
