package io.jenkins.plugins.functions.jenkins.steps;

import java.time.Duration;
import java.util.function.BooleanSupplier;

final class FunctionEngineTestSupport {

    private FunctionEngineTestSupport() {
    }

    static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
