package dev.spool.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.internal.redis.QueueShards;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FetchOrderTest {
  private final FetchOrder weighted =
      FetchOrder.weighted(List.of("critical", "default", "low"), List.of(6, 3, 1));

  private static int sum(List<FetchOrder.Step> steps) {
    return steps.stream().mapToInt(FetchOrder.Step::max).sum();
  }

  @Test
  void strictOrderAsksEveryQueueForEverySlotInTurn() {
    FetchOrder strict = FetchOrder.strict(List.of("a", "b"));
    assertThat(strict.shares(5, new SplittableRandom(1), 0))
        .containsExactly(new FetchOrder.Step("a", 5), new FetchOrder.Step("b", 5));
    assertThat(strict.leftoverOrder(new SplittableRandom(1))).isEmpty();
  }

  @Test
  void shardsTakeTurnsInStrictOrderAndSplitTheirQueuesWeight() {
    QueueShards shards = QueueShards.of(java.util.Map.of("mail", 2));
    FetchOrder strict = FetchOrder.strict(List.of("mail", "low")).withShards(shards);
    assertThat(strict.shares(3, new SplittableRandom(1), 0))
        .extracting(FetchOrder.Step::queue)
        .containsExactly("mail.shard0", "mail.shard1", "low");
    assertThat(strict.shares(3, new SplittableRandom(1), 1))
        .extracting(FetchOrder.Step::queue)
        .containsExactly("mail.shard1", "mail.shard0", "low");

    FetchOrder byWeight =
        FetchOrder.weighted(List.of("mail", "low"), List.of(3, 1)).withShards(shards);
    assertThat(byWeight.queues()).containsExactly("mail.shard0", "mail.shard1", "low");
    assertThat(byWeight.weight("mail.shard0")).isEqualTo(3);
    assertThat(byWeight.weight("mail.shard1")).isEqualTo(3);
    assertThat(byWeight.weight("low")).isEqualTo(2);
  }

  @Test
  void weightedSharesAddUpToTheFreeSlotsExactly() {
    SplittableRandom random = new SplittableRandom(42);
    for (int want = 1; want <= 200; want++) {
      assertThat(sum(weighted.shares(want, random, want))).as("want %d", want).isEqualTo(want);
    }
    assertThat(weighted.shares(10, random, 0))
        .containsExactly(
            new FetchOrder.Step("critical", 6),
            new FetchOrder.Step("default", 3),
            new FetchOrder.Step("low", 1));
  }

  @Test
  void oneSlotAtATimeStillFollowsTheWeights() {
    SplittableRandom random = new SplittableRandom(7);
    Map<String, Integer> got = new HashMap<>();
    int rounds = 100_000;
    for (int i = 0; i < rounds; i++) {
      for (FetchOrder.Step step : weighted.shares(1, random, i)) {
        got.merge(step.queue(), step.max(), Integer::sum);
      }
    }
    assertThat(got.get("critical") / (double) rounds).isBetween(0.59, 0.61);
    assertThat(got.get("default") / (double) rounds).isBetween(0.29, 0.31);
    assertThat(got.get("low") / (double) rounds).isBetween(0.09, 0.11);
  }

  @Test
  void theLeftoverOrderHoldsEveryQueueOnceAndFavoursTheHeavy() {
    SplittableRandom random = new SplittableRandom(3);
    int criticalFirst = 0;
    for (int i = 0; i < 10_000; i++) {
      List<String> order = weighted.leftoverOrder(random);
      assertThat(order).containsExactlyInAnyOrder("critical", "default", "low");
      if (order.getFirst().equals("critical")) {
        criticalFirst++;
      }
    }
    assertThat(criticalFirst).isBetween(5_800, 6_200);
  }
}
