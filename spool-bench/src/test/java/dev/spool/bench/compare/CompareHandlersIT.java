package dev.spool.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The handlers `bench compare` gives its Spool workers run every job's Redis call, whether their
 * connection writes each command on its own or consolidates the writes.
 */
class CompareHandlersIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @ParameterizedTest(name = "consolidated flushes: {0}")
  @ValueSource(booleans = {false, true})
  void everyJobMakesItsRedisCall(boolean consolidate) {
    String ns = SpoolRedis.namespace();
    String counter = ns + ":counter";
    String latencies = ns + ":latencies";
    Map<String, String> env =
        consolidate
            ? Map.of(
                CompareHandlers.REDIS_ENV,
                redis.uri(),
                CompareHandlers.CONSOLIDATE_FLUSHES_ENV,
                "1")
            : Map.of(CompareHandlers.REDIS_ENV, redis.uri());
    int jobs = 600;
    try (Spool spool = Spool.builder().redis(redis.uri()).namespace(ns).build();
        RedisClient client = RedisClient.create(redis.uri());
        StatefulRedisConnection<String, String> check = client.connect()) {
      Worker.Builder builder = spool.worker("compare-1").queues(CompareJobs.QUEUE).concurrency(200);
      Runnable closeHandlersRedis = CompareHandlers.register(builder, env::get);
      List<CompareJobs.Incr> incrs = new ArrayList<>();
      List<CompareJobs.Latency> pushes = new ArrayList<>();
      IntStream.range(0, jobs)
          .forEach(
              n -> {
                incrs.add(new CompareJobs.Incr(n, counter));
                pushes.add(new CompareJobs.Latency(n, CompareJobs.monotonicMicros(), latencies));
              });
      spool.enqueueAll(CompareJobs.INCR, incrs);
      spool.enqueueAll(CompareJobs.LATENCY, pushes);
      try (Worker worker = builder.start()) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> spool.monitor().counts(CompareJobs.QUEUE).completed() == 2L * jobs);
      } finally {
        closeHandlersRedis.run();
      }
      assertThat(check.sync().get(counter)).isEqualTo(Integer.toString(jobs));
      assertThat(check.sync().llen(latencies)).isEqualTo(jobs);
      assertThat(spool.monitor().counts(CompareJobs.QUEUE).dead()).isZero();
    }
  }

  @Test
  void withoutTheirRedisTheHandlersAreRefused() {
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      Worker.Builder builder = spool.worker("compare-1");
      assertThatThrownBy(() -> CompareHandlers.register(builder, name -> null))
          .hasMessageContaining(CompareHandlers.REDIS_ENV);
    }
  }
}
