package dev.spool.spring;

import dev.spool.Spool;
import dev.spool.Worker;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the application's worker node once every bean is ready, and stops it gracefully (running
 * jobs finish up to the shutdown timeout, the rest go back to their queue) in the context's
 * shutdown phase, before the beans its handlers use are destroyed.
 */
public class SpoolWorkerLifecycle implements SmartLifecycle {
  /**
   * Started before and stopped after the web server (whose phase is {@code DEFAULT_PHASE - 1024}),
   * so that requests in flight can still enqueue while the worker drains.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  private static final Logger log = LoggerFactory.getLogger(SpoolWorkerLifecycle.class);

  private final Spool spool;
  private final SpoolProperties.WorkerProperties properties;
  private final List<SpoolHandler<?>> handlers;
  private final List<WorkerStartedListener> listeners;
  private volatile Worker worker;

  public SpoolWorkerLifecycle(
      Spool spool,
      SpoolProperties.WorkerProperties properties,
      List<SpoolHandler<?>> handlers,
      List<WorkerStartedListener> listeners) {
    this.spool = spool;
    this.properties = properties;
    this.handlers = List.copyOf(handlers);
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public synchronized void start() {
    if (worker != null) {
      return;
    }
    Worker.Builder builder =
        spool
            .worker(nodeName())
            .concurrency(properties.getConcurrency())
            .lease(properties.getLease())
            .shutdownTimeout(properties.getShutdownTimeout());
    if (!properties.getQueues().isEmpty()) {
      builder.queues(properties.getQueues().toArray(String[]::new));
    }
    handlers.forEach(h -> register(builder, h));
    worker = builder.start();
    log.info(
        "Spool worker '{}' started with {} handler(s), concurrency {}",
        worker.name(),
        handlers.size(),
        worker.concurrency());
    listeners.forEach(l -> l.started(worker));
  }

  private static <A> void register(Worker.Builder builder, SpoolHandler<A> handler) {
    builder.handle(handler.type(), handler::handle);
  }

  private String nodeName() {
    if (properties.getName() != null && !properties.getName().isBlank()) {
      return properties.getName();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "spool-worker";
    }
  }

  @Override
  public void stop() {
    Worker w;
    synchronized (this) {
      w = worker;
      worker = null;
    }
    if (w != null) {
      log.info("Spool worker '{}' stopping: {}", w.name(), w.stop());
    }
  }

  @Override
  public boolean isRunning() {
    return worker != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The running worker node, or null when stopped. */
  public Worker worker() {
    return worker;
  }
}
