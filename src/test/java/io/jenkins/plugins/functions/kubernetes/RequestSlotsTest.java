package io.jenkins.plugins.functions.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.functions.kubernetes.RequestSlots.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bound on the engine's short requests, and the order in which waiting ones go. */
class RequestSlotsTest {

    /** A request that started (the order is recorded) and completes when the test says. */
    private static final class Requests {
        final List<String> started = new ArrayList<>();
        final List<CompletableFuture<String>> underWay = new ArrayList<>();

        java.util.function.Supplier<CompletableFuture<String>> request(String name) {
            return () -> {
                started.add(name);
                CompletableFuture<String> f = new CompletableFuture<>();
                underWay.add(f);
                return f;
            };
        }

        void finish(int index) {
            underWay.get(index).complete(started.get(index));
        }
    }

    @Test
    void neverMoreUnderWayThanTheSlots() {
        RequestSlots slots = new RequestSlots(2, 2);
        Requests r = new Requests();
        CompletableFuture<String> a = slots.submit(Kind.CREATE, r.request("a"));
        slots.submit(Kind.CREATE, r.request("b"));
        slots.submit(Kind.CREATE, r.request("c"));

        assertThat(r.started).containsExactly("a", "b");
        assertThat(slots.inFlight()).isEqualTo(2);
        assertThat(slots.waiting()).isEqualTo(1);

        r.finish(0);
        assertThat(a).isCompletedWithValue("a");
        assertThat(r.started).containsExactly("a", "b", "c");
        assertThat(slots.inFlight()).isEqualTo(2);
        assertThat(slots.waiting()).isZero();

        r.finish(1);
        r.finish(2);
        assertThat(slots.inFlight()).isZero();
    }

    @Test
    void anEndGoesBeforeCreatesAndCreatesBeforeLogPolls() {
        RequestSlots slots = new RequestSlots(1, 1);
        Requests r = new Requests();
        slots.submit(Kind.CREATE, r.request("first"));
        slots.submit(Kind.POLL, r.request("poll"));
        slots.submit(Kind.CREATE, r.request("create"));
        slots.submit(Kind.END, r.request("end"));

        r.finish(0);
        r.finish(1);
        r.finish(2);

        assertThat(r.started).containsExactly("first", "end", "create", "poll");
    }

    @Test
    void createsLeaveSlotsForTheOtherKinds() {
        RequestSlots slots = new RequestSlots(3, 2);
        Requests r = new Requests();
        for (int i = 1; i <= 4; i++) {
            slots.submit(Kind.CREATE, r.request("create " + i));
        }
        slots.submit(Kind.POLL, r.request("poll"));

        assertThat(r.started).containsExactly("create 1", "create 2", "poll");

        r.finish(2); // the poll's slot: still no third create at once
        assertThat(r.started).containsExactly("create 1", "create 2", "poll");
        r.finish(0);
        assertThat(r.started).containsExactly("create 1", "create 2", "poll", "create 3");
    }

    @Test
    void theNextStepOfWorkUnderWayGoesBeforeNewWork() {
        RequestSlots slots = new RequestSlots(1, 1);
        Requests r = new Requests();
        slots.submit(Kind.CREATE, r.request("run 1: Job")).thenRun(
                () -> slots.submitNext(Kind.CREATE, r.request("run 1: Secret")));
        slots.submit(Kind.CREATE, r.request("run 2: Job"));

        r.finish(0);

        assertThat(r.started).containsExactly("run 1: Job", "run 1: Secret");
    }

    @Test
    void aFailedOrRefusedRequestFreesItsSlot() {
        RequestSlots slots = new RequestSlots(1, 1);
        Requests r = new Requests();
        CompletableFuture<String> thrown = slots.submit(Kind.CREATE, () -> {
            throw new IllegalStateException("cannot send");
        });
        CompletableFuture<String> failed = slots.submit(Kind.CREATE,
                () -> CompletableFuture.failedFuture(new IllegalStateException("refused")));
        slots.submit(Kind.CREATE, r.request("after"));

        assertThat(thrown).isCompletedExceptionally();
        assertThat(failed).isCompletedExceptionally();
        assertThat(r.started).containsExactly("after");
    }

    @Test
    void requestsThatCompleteAtOnceStartTheWaitingOnesWithoutRecursion() throws Exception {
        RequestSlots slots = new RequestSlots(1, 1);
        CompletableFuture<String> blocker = new CompletableFuture<>();
        slots.submit(Kind.CREATE, () -> blocker);
        List<CompletableFuture<String>> all = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            String name = "run " + i;
            all.add(slots.submit(Kind.CREATE, () -> CompletableFuture.completedFuture(name)));
        }

        blocker.complete("done"); // a deep recursion would overflow the stack here

        assertThat(all.get(all.size() - 1).get(1, TimeUnit.SECONDS)).isEqualTo("run 99999");
        assertThat(slots.inFlight()).isZero();
    }

    @Test
    void threadsWhoseRequestsEndSendTheNextOnesSideBySide() throws Exception {
        RequestSlots slots = new RequestSlots(2, 2);
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        slots.submit(Kind.CREATE, () -> a);
        slots.submit(Kind.CREATE, () -> b);
        java.util.concurrent.CountDownLatch sending = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
        slots.submit(Kind.CREATE, () -> {
            sending.countDown();
            try {
                sent.await(10, TimeUnit.SECONDS); // a slow send (serialising, handing over to the client)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture("c");
        });
        CompletableFuture<String> d = slots.submit(Kind.CREATE, () -> CompletableFuture.completedFuture("d"));
        Thread other = new Thread(() -> a.complete("a"));
        other.start();
        assertThat(sending.await(10, TimeUnit.SECONDS)).isTrue();

        b.complete("b"); // this thread sends the next one, not waiting for the other thread's send

        assertThat(d).isCompletedWithValue("d");
        sent.countDown();
        other.join(10_000);
        assertThat(slots.inFlight()).isZero();
    }

    @Test
    void closingEndsTheWaitingRequestsAndRefusesNewOnes() {
        RequestSlots slots = new RequestSlots(1, 1);
        Requests r = new Requests();
        slots.submit(Kind.CREATE, r.request("under way"));
        CompletableFuture<String> waiting = slots.submit(Kind.CREATE, r.request("waiting"));

        slots.close();

        assertThatThrownBy(waiting::join).isInstanceOf(CancellationException.class);
        assertThat(slots.submit(Kind.END, r.request("after close"))).isCompletedExceptionally();
        r.finish(0);
        assertThat(r.started).containsExactly("under way");
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> new RequestSlots(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("total");
        assertThatThrownBy(() -> new RequestSlots(2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("createsAtMost");
    }
}
