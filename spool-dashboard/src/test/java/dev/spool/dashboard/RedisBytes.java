package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.api.sync.RedisCommands;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Redis sent its clients (INFO stats): what a request cost in bytes read from Redis. */
final class RedisBytes {
  private RedisBytes() {}

  /** What Redis sent while a request was answered (its total_net_output_bytes grew by). */
  static long sentFor(RedisCommands<String, String> redis, Runnable request) {
    long before = sent(redis);
    request.run();
    return sent(redis) - before;
  }

  static long sent(RedisCommands<String, String> redis) {
    Matcher m = Pattern.compile("total_net_output_bytes:(\\d+)").matcher(redis.info("stats"));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }
}
