package dev.spool.internal.worker;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kill requests pushed over pub/sub: the handler is interrupted within milliseconds. A message lost
 * in a reconnect is made up for by the heartbeat, which reports the stored request.
 */
final class KillListener {
  private static final Logger log = LoggerFactory.getLogger(KillListener.class);
  private final NodeContext node;
  private final HeldJobs held;

  /** Kill requests for jobs not (yet) held here. */
  private final KillNotes recent = new KillNotes(System::nanoTime);

  private StatefulRedisPubSubConnection<String, String> pubSub;

  KillListener(NodeContext node, HeldJobs held) {
    this.node = node;
    this.held = held;
  }

  void start() {
    pubSub = node.store().redis().openPubSub();
    pubSub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String id) {
            requested(id);
          }
        });
    node.store().redis().await(pubSub.async().subscribe(node.statuses().killChannel()));
  }

  private void requested(String id) {
    // Noted before the held jobs are looked at: a dispatch adds its job to them and then checks
    // the notes, so whichever of the two comes second sees the other's write.
    recent.note(id);
    RunningJob job = held.get(id);
    if (job != null) {
      recent.take(id);
      log.info("node {}: kill requested for {}", node.name(), job);
      job.requestKill(); // twice (here and in check) does no harm
    }
  }

  /** A job just fetched: a kill request that overtook the fetch applies to it. */
  void check(RunningJob job) {
    if (recent.take(job.key())) {
      job.requestKill();
    }
  }

  void close() {
    if (pubSub != null) {
      pubSub.closeAsync();
    }
  }
}
