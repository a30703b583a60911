package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueShardsTest {
  final QueueShards shards = QueueShards.of(Map.of("mail", 3, "plain", 1));

  @Test
  void aShardedQueueIsItsShardsAndOtherQueuesAreThemselves() {
    assertThat(shards.physical("mail"))
        .containsExactly("mail.shard0", "mail.shard1", "mail.shard2");
    assertThat(shards.physical("plain")).containsExactly("plain");
    assertThat(shards.expand(List.of("a", "mail", "b")))
        .containsExactly("a", "mail.shard0", "mail.shard1", "mail.shard2", "b");
    assertThat(shards.home("mail")).isEqualTo("mail.shard0");
    assertThat(QueueShards.logical("mail.shard2")).isEqualTo("mail");
    assertThat(QueueShards.logical("mail.shardx")).isEqualTo("mail.shardx");
  }

  @Test
  void jobsWithoutAKeyTakeTheShardsInTurnAndAKeyAlwaysPicksOneShard() {
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picked.add(shards.shardFor("mail", null));
    }
    assertThat(picked).containsOnly("mail.shard0", "mail.shard1", "mail.shard2");
    assertThat(picked.subList(0, 3)).doesNotHaveDuplicates();
    assertThat(shards.shardFor("mail", "customer-42"))
        .isEqualTo(shards.shardFor("mail", "customer-42"));
    assertThat(shards.shardFor("other", "k")).isEqualTo("other");
  }

  @Test
  void eachShardComesFirstInTurnWhileOtherQueuesKeepTheirPlace() {
    List<String> queues = List.of("urgent", "mail.shard0", "mail.shard1", "mail.shard2", "low");
    assertThat(QueueShards.fetchOrder(queues, 0))
        .containsExactly("urgent", "mail.shard0", "mail.shard1", "mail.shard2", "low");
    assertThat(QueueShards.fetchOrder(queues, 1))
        .containsExactly("urgent", "mail.shard1", "mail.shard2", "mail.shard0", "low");
    assertThat(QueueShards.fetchOrder(queues, 5))
        .containsExactly("urgent", "mail.shard2", "mail.shard0", "mail.shard1", "low");
  }

  @Test
  void badDeclarationsAreRefusedInWords() {
    assertThatThrownBy(() -> QueueShards.of(Map.of("mail", 0)))
        .hasMessageContaining("shards of queue 'mail' must be 1 to 64, got 0");
    assertThatThrownBy(() -> QueueShards.of(Map.of("mail.shard1", 2)))
        .hasMessageContaining("ends like a shard");
    assertThatThrownBy(() -> QueueShards.of(Map.of("bad name", 2)))
        .hasMessageContaining("invalid queue name");
  }
}
