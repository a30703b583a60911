package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.JobType;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example of docs/operations.md, "Handlers that call Redis themselves": handlers share one
 * Lettuce connection whose writes are consolidated, and every job's command lands.
 */
class HandlersRedisExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Visit(String page) {}

  static final JobType<Visit> COUNT_VISIT = JobType.of("count-visit", Visit.class);

  @Test
  void handlersShareAConnectionWhoseWritesAreConsolidated() {
    String redisUri = redis.uri();
    String namespace = SpoolRedis.namespace();
    String page = namespace + ":/home";

    // snippet: handlers-redis
    ClientResources resources =
        ClientResources.builder()
            .nettyCustomizer(
                new NettyCustomizer() {
                  @Override
                  public void afterChannelInitialized(Channel channel) {
                    // Flush at the latest after 256 writes, and batch writes from other threads.
                    channel.pipeline().addFirst(new FlushConsolidationHandler(256, true));
                  }
                })
            .build();
    RedisClient handlersRedis = RedisClient.create(resources, redisUri);
    // end snippet

    try (StatefulRedisConnection<String, String> connection = handlersRedis.connect();
        Spool spool = Spool.builder().redis(redisUri).namespace(namespace).build()) {
      RedisCommands<String, String> commands = connection.sync();
      int jobs = 500;
      spool.enqueueAll(COUNT_VISIT, Collections.nCopies(jobs, new Visit(page)));
      try (Worker worker =
          spool
              .worker("node-1")
              .concurrency(200)
              .handle(COUNT_VISIT, (job, visit) -> commands.incr(visit.page()))
              .start()) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> spool.monitor().counts("default").completed() == jobs);
      }
      assertThat(commands.get(page)).isEqualTo(Integer.toString(jobs));
      assertThat(spool.monitor().counts("default").dead()).isZero();
    } finally {
      handlersRedis.shutdown();
      resources.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }
}
