package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.internal.redis.Script;
import dev.spool.testkit.SpoolRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ScriptsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Test
  void everyScriptLoadsAndItsShaIsTheOneSpoolCallsBy() throws Exception {
    try (Fixtures f = new Fixtures(redis)) {
      var r = f.redis();
      for (Script script : Script.values()) {
        assertThat(script.text())
            .as(script.fileName())
            .startsWith("--[[ " + script.fileName() + ":");
        assertThat(r.scriptLoad(script.source())).as(script.fileName()).isEqualTo(script.sha());
      }
    }
  }

  @Test
  void aFlushedScriptCacheIsRefilledOnTheNextCall() throws Exception {
    try (Fixtures f = new Fixtures(redis)) {
      f.spool.enqueue(Fixtures.NOOP, new Fixtures.Noop(1));
      f.redis().scriptFlush();
      f.spool.enqueue(Fixtures.NOOP, new Fixtures.Noop(2));
      assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(2);
    }
  }
}
