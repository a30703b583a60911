package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A Cluster node that refuses or does not answer is no outage (the other nodes serve), but a
 * warning per failed call from every thread of a node floods the log: one warning per kind of
 * failure and period, and the next says how many went to DEBUG meanwhile.
 */
class OutageTest {
  final AtomicLong nanos = new AtomicLong(TimeUnit.HOURS.toNanos(5));
  final Outage outage = new Outage("redis-cluster://test", nanos::get);
  final RecordingLogger log = new RecordingLogger();

  @Test
  void aClustersFailuresOfOneKindAreWarnedOfOnceAPeriodWithTheCountOfTheOthers() {
    for (int i = 0; i < 50; i++) {
      outage.failedOnCluster(
          "BUSY", log, "fetch of queue {} failed: {}", "work", "BUSY Redis is busy");
    }
    outage.failedOnCluster("timeout", log, "ack of queue {} failed: {}", "work", "timed out");

    assertThat(log.at(Level.WARN))
        .containsExactly(
            "fetch of queue work failed: BUSY Redis is busy",
            "ack of queue work failed: timed out");
    assertThat(log.at(Level.DEBUG)).hasSize(49);

    nanos.addAndGet(Outage.CLUSTER_WARN_EVERY_NANOS);
    outage.failedOnCluster(
        "BUSY", log, "fetch of queue {} failed", "work", new IllegalStateException("BUSY"));

    assertThat(log.at(Level.WARN))
        .last()
        .isEqualTo(
            "fetch of queue work failed (49 more failed calls of the Cluster like it since the"
                + " last warning, logged at DEBUG)");
    assertThat(log.errors).last().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aFailureOutsideAnOutageIsAWarningEachTime() {
    outage.failed(log, "call {} failed", 1);
    outage.failed(log, "call {} failed", 2);
    assertThat(log.at(Level.WARN)).containsExactly("call 1 failed", "call 2 failed");
  }

  /** The messages logged, formatted, by level. */
  static final class RecordingLogger extends AbstractLogger {
    final List<Level> levels = new ArrayList<>();
    final List<String> messages = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();

    List<String> at(Level level) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < levels.size(); i++) {
        if (levels.get(i) == level) {
          out.add(messages.get(i));
        }
      }
      return out;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String format, Object[] args, Throwable throwable) {
      levels.add(level);
      messages.add(MessageFormatter.basicArrayFormat(format, args));
      if (throwable != null) {
        errors.add(throwable);
      }
    }

    @Override
    public boolean isTraceEnabled() {
      return true;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return true;
    }
  }
}
