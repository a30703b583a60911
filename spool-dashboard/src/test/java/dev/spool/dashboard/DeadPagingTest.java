package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What api/dead asks of Redis: a deep page of one dead set reads that page, not all before it. */
class DeadPagingTest {
  private final List<String> deadReads = new ArrayList<>();

  /** Data with these queues, no dead jobs, recording each dead-set read as "queue offset limit". */
  private DashboardData data(List<String> queues) {
    return (DashboardData)
        Proxy.newProxyInstance(
            DashboardData.class.getClassLoader(),
            new Class<?>[] {DashboardData.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "queues" -> queues;
                  case "deadJobs" -> {
                    deadReads.add(args[0] + " " + args[1] + " " + args[2]);
                    yield List.of();
                  }
                  case "deadCount" -> 0L;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void aDeepPageOfOneQueueReadsOnlyThatPage() {
    Api api = new Api(data(List.of("a", "b")), false);

    api.handle("GET", List.of("dead"), Params.ofQuery("queue=a&offset=5000&limit=50"));

    assertThat(deadReads).containsExactly("a 5000 50");
  }

  @Test
  void aNamespaceWithOneQueueReadsOnlyThePageToo() {
    Api api = new Api(data(List.of("only")), false);

    api.handle("GET", List.of("dead"), Params.ofQuery("offset=5000&limit=50"));

    assertThat(deadReads).containsExactly("only 5000 50");
  }

  @Test
  void pagesAcrossQueuesMergeEachQueuesNewest() {
    Api api = new Api(data(List.of("a", "b")), false);

    api.handle("GET", List.of("dead"), Params.ofQuery("offset=100&limit=50"));

    assertThat(deadReads).containsExactly("a 0 150", "b 0 150");
  }
}
