package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator quiets a node (Sidekiq's quiet, JobRunr's paused server): it fetches no new jobs,
 * runs those it holds to their end and stays up, until it is resumed or restarts.
 */
class NodeQuietIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private NodeInfo node(String name) {
    return f.spool.monitor().nodes().stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** Waits until the node renewed its registration twice: the second renewal saw the request. */
  private void awaitTwoHeartbeats(String name) {
    Instant seen = node(name).lastHeartbeat();
    await().atMost(Duration.ofSeconds(10)).until(() -> node(name).lastHeartbeat().isAfter(seen));
    Instant next = node(name).lastHeartbeat();
    await().atMost(Duration.ofSeconds(10)).until(() -> node(name).lastHeartbeat().isAfter(next));
  }

  private State state(JobId id) {
    return f.spool.statuses().findOrUnknown(id).state();
  }

  @Test
  void aQuietNodeRunsWhatItHoldsFetchesNothingNewAndFetchesAgainOnceResumed() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch mayEnd = new CountDownLatch(1);
    JobType<Noop> slow = JobType.of("slow", Noop.class).withQueue("slow");
    JobId held = f.spool.enqueue(slow, new Noop(1));
    f.worker("node-1")
        .handle(
            slow,
            (job, a) -> {
              running.countDown();
              assertThat(mayEnd.await(10, TimeUnit.SECONDS)).isTrue();
            })
        .handle(NOOP, (job, a) -> {})
        .start();
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(f.spool.monitor().quietNode("node-1")).isTrue();
    assertThat(node("node-1").quiet()).isTrue();
    awaitTwoHeartbeats("node-1");
    JobId waiting = f.spool.enqueue(NOOP, new Noop(2));
    mayEnd.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(held) == State.SUCCEEDED);
    awaitTwoHeartbeats("node-1");
    assertThat(state(waiting)).isEqualTo(State.QUEUED);
    assertThat(node("node-1").alive()).isTrue();

    assertThat(f.spool.monitor().resumeNode("node-1")).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(waiting) == State.SUCCEEDED);
    assertThat(node("node-1").quiet()).isFalse();
    assertThat(f.spool.monitor().resumeNode("node-1")).isFalse(); // not quiet any more
  }

  @Test
  void onlyALiveNodeCanBeQuieted() {
    assertThat(f.spool.monitor().quietNode("no-such-node")).isFalse();
    Worker worker = f.worker("node-1").handle(NOOP, (job, a) -> {}).start();
    worker.close();
    assertThat(f.spool.monitor().quietNode("node-1")).isFalse();
  }

  @Test
  void aRestartedNodeIsNoLongerQuiet() {
    Worker first = f.worker("node-1").handle(NOOP, (job, a) -> {}).start();
    assertThat(f.spool.monitor().quietNode("node-1")).isTrue();
    first.halt(); // as a crash: no graceful leave drops the request

    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    f.worker("node-1").handle(NOOP, (job, a) -> {}).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == State.SUCCEEDED);
    assertThat(node("node-1").quiet()).isFalse();
  }
}
