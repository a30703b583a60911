package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.QueueCounts;
import dev.spool.QueuesSnapshot;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * When the overview lists the queues again: only when the number of names in the queue set moved
 * since it last listed them. On a fake of the data it reads, whose queue set holds names the list
 * may fold together (a sharded queue's shards).
 */
class LiveOverviewTest {
  /** A few of the overview's one-second refreshes, with room to spare. */
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeQueueSet data = new FakeQueueSet();
  private final LiveOverview overview = new LiveOverview(data.asDashboardData());

  @Test
  void aQueueCreatedAfterTheFirstReadShowsOnceTheSetGrows() {
    data.names.add("mail");
    assertThat(queuesIn(settled())).containsExactly("mail");
    int listed = data.listed.get();

    data.names.add("sms");

    await().atMost(WAIT).until(() -> queuesIn(overview.snapshot()).contains("sms"));
    assertThat(queuesIn(overview.snapshot())).containsExactly("mail", "sms");
    assertThat(data.listed).hasValue(listed + 1);
  }

  @Test
  void aShardedQueueIsListedOnceNotAtEveryRead() {
    // Three names in the set, one queue in the list: the set's size never equals the list's length.
    data.names.addAll(List.of("mail.shard0", "mail.shard1", "mail.shard2"));
    QueuesSnapshot read = settled();
    assertThat(queuesIn(read)).containsExactly("mail");
    assertThat(read.queues()).isEqualTo(3);
    int listed = data.listed.get();
    int snapshots = data.snapshots.get();

    for (int i = 0; i < 3; i++) {
      read = nextRead(read);
      assertThat(queuesIn(read)).containsExactly("mail");
    }

    assertThat(data.snapshots.get()).as("reads of the counts").isEqualTo(snapshots + 3);
    assertThat(data.listed).as("reads of the queue list").hasValue(listed);
  }

  @Test
  void aQueueGoneBetweenReadsIsGoneAtTheNextRead() {
    data.names.addAll(List.of("mail", "sms"));
    QueuesSnapshot read = settled();
    assertThat(queuesIn(read)).containsExactly("mail", "sms");

    data.names.remove("sms");

    assertThat(queuesIn(nextRead(read))).containsExactly("mail");
  }

  @Test
  void aQueueAddedWhileTheListIsReadShowsAtTheReadAfter() {
    data.names.add("mail");
    QueuesSnapshot first = settled();
    // The set grows, so the next read lists the queues again; a queue created just after that
    // listing (so missing from it) is counted by the read's counts: the read after lists again.
    data.names.add("news");
    data.afterListing.set(() -> data.names.add("sms"));

    QueuesSnapshot second = nextRead(first);
    assertThat(queuesIn(second)).containsExactly("mail", "news");
    assertThat(second.queues()).isEqualTo(3);

    await().atMost(WAIT).until(() -> queuesIn(overview.snapshot()).contains("sms"));
    assertThat(queuesIn(overview.snapshot())).containsExactly("mail", "news", "sms");
  }

  /**
   * The overview once it has listed the queues with their number counted before: the first read has
   * no such number, so the read after it lists them again whatever the set holds.
   */
  private QueuesSnapshot settled() {
    return nextRead(overview.snapshot());
  }

  /** Polls until the overview read the data again (its copy is at most a second old). */
  private QueuesSnapshot nextRead(QueuesSnapshot previous) {
    AtomicReference<QueuesSnapshot> next = new AtomicReference<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              next.set(overview.snapshot());
              return next.get() != previous;
            });
    return next.get();
  }

  private static List<String> queuesIn(QueuesSnapshot s) {
    return s.counts().stream().map(QueueCounts::queue).toList();
  }

  /**
   * The queue set of a namespace: names, the list folding shards ({@code q.shardN}) into their
   * queue, as {@code Monitor.queues()} does; counts how often each is read.
   */
  private static final class FakeQueueSet {
    final Set<String> names = new ConcurrentSkipListSet<>();
    final AtomicInteger listed = new AtomicInteger();
    final AtomicInteger snapshots = new AtomicInteger();
    final AtomicReference<Runnable> afterListing = new AtomicReference<>();

    DashboardData asDashboardData() {
      return (DashboardData)
          Proxy.newProxyInstance(
              DashboardData.class.getClassLoader(),
              new Class<?>[] {DashboardData.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "queues" -> list();
                    case "snapshot" -> snapshot(castToList(args[0]));
                    case "namespace" -> "fake";
                    default -> throw new UnsupportedOperationException(method.getName());
                  });
    }

    private List<String> list() {
      listed.incrementAndGet();
      List<String> queues =
          names.stream().map(n -> n.replaceFirst("\\.shard\\d+$", "")).distinct().toList();
      Runnable then = afterListing.getAndSet(null);
      if (then != null) {
        then.run();
      }
      return queues;
    }

    private QueuesSnapshot snapshot(List<String> queues) {
      snapshots.incrementAndGet();
      List<QueueCounts> counts =
          queues.stream().map(q -> new QueueCounts(q, 0, 0, 0, 0, 0, Duration.ZERO)).toList();
      return new QueuesSnapshot(counts, names.size(), 0);
    }

    @SuppressWarnings("unchecked")
    private static List<String> castToList(Object o) {
      return (List<String>) o;
    }
  }
}
