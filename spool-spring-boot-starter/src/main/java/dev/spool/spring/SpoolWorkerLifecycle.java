package dev.spool.spring;

import dev.spool.NodeNameInUseException;
import dev.spool.Spool;
import dev.spool.StopSummary;
import dev.spool.Worker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the application's worker node once every bean is ready, and stops it gracefully (running
 * jobs finish up to the shutdown timeout, the rest go back to their queue) in the context's
 * shutdown phase, before the beans its handlers use are destroyed.
 *
 * <p>A node that stops by itself (another instance took its name while this one was presumed dead,
 * see {@link Worker#whenStopped()}) runs no more jobs: the application then exits with {@link
 * #EXIT_WORKER_STOPPED}, as {@code spool worker} does, unless spool.worker.exit-on-name-lost is
 * false.
 */
public class SpoolWorkerLifecycle
    implements SmartLifecycle, DisposableBean, ApplicationContextAware {
  /**
   * Between the web server's two phases: started after the web server started ({@code DEFAULT_PHASE
   * - 2048}), so that a web server that cannot start (its port in use) stops the application before
   * any job runs; stopped after the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}),
   * so that requests in flight can still enqueue, and before the web server stops.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

  /** The exit status of an application whose worker stopped by itself: {@code spool worker}'s. */
  public static final int EXIT_WORKER_STOPPED = 1;

  private static final Logger log = LoggerFactory.getLogger(SpoolWorkerLifecycle.class);

  private final Spool spool;
  private final SpoolProperties.WorkerProperties properties;
  private final Map<String, SpoolHandler<?>> handlers;
  private final List<WorkerStartedListener> listeners;
  private volatile Worker worker;
  private String defaultName;
  private KeepAliveThread keepAlive;
  private volatile Worker stoppedByItself;
  private ApplicationContext context;

  /** Ends the JVM with a status once the context is closed: System.exit, but in tests. */
  IntConsumer exit = System::exit;

  /**
   * @param handlers the handler beans by bean name, one per job type
   * @throws IllegalStateException if a handler has no job type, or two handlers are for the same
   *     job type, naming the beans
   */
  public SpoolWorkerLifecycle(
      Spool spool,
      SpoolProperties.WorkerProperties properties,
      Map<String, SpoolHandler<?>> handlers,
      List<WorkerStartedListener> listeners) {
    this.spool = spool;
    this.properties = properties;
    this.handlers = new LinkedHashMap<>(handlers);
    this.listeners = List.copyOf(listeners);
    refuseHandlersWithoutAType();
    refuseTwoHandlersForOneType();
  }

  /** The worker would fail later, with a NullPointerException that names no bean. */
  private void refuseHandlersWithoutAType() {
    handlers.forEach(
        (bean, handler) -> {
          if (handler.type() == null) {
            throw new IllegalStateException(
                "SpoolHandler bean '"
                    + bean
                    + "' ("
                    + handler.getClass().getName()
                    + "): type() returned null; return the JobType it runs");
          }
        });
  }

  private void refuseTwoHandlersForOneType() {
    Map<String, String> beanByType = new LinkedHashMap<>();
    handlers.forEach(
        (bean, handler) -> {
          String type = handler.type().name();
          String other = beanByType.putIfAbsent(type, bean);
          if (other != null) {
            throw new IllegalStateException(
                "SpoolHandler beans '"
                    + other
                    + "' and '"
                    + bean
                    + "' both handle job type '"
                    + type
                    + "': one handler per job type");
          }
        });
  }

  @Override
  public synchronized void start() {
    if (worker != null) {
      return;
    }
    String name = nodeName();
    Worker.Builder builder =
        spool
            .worker(name)
            .concurrency(properties.getConcurrency())
            .lease(properties.getLease())
            .shutdownTimeout(properties.getShutdownTimeout())
            .maxHandBacks(properties.getMaxHandBacks());
    if (properties.isPlatformThreads()) {
      builder.platformThreads();
    }
    if (!properties.getQueues().isEmpty()) {
      builder.queueList(properties.getQueues());
      warnOfHandlersNotFetched();
      warnOfQueuesNoHandlerServes();
    }
    handlers.values().forEach(h -> register(builder, h));
    try {
      worker = builder.start();
    } catch (RuntimeException e) {
      boolean defaulted = defaultName != null;
      releaseDefaultName();
      throw explained(e, name, defaulted);
    }
    keepAlive = new KeepAliveThread("spool-keep-alive-" + worker.name());
    log.info(
        "Spool worker '{}' started with {} handler(s), concurrency {}",
        worker.name(),
        handlers.size(),
        worker.concurrency());
    listeners.forEach(l -> l.started(worker));
    Worker started = worker;
    started.whenStopped().whenComplete((summary, e) -> onStopped(started, summary, e));
  }

  /** A name that a live node holds is a configuration error, reported naming spool.worker.name. */
  private RuntimeException explained(RuntimeException e, String name, boolean defaulted) {
    if (!(e instanceof NodeNameInUseException)) {
      return e; // a Redis error (its own type, which the failure analyzer knows) or a bug
    }
    String action =
        defaulted
            ? "Set spool.worker.name to a name of this instance's own: the default, host name and"
                + " process id, is the same as another's (as containers of one image may have)."
            : "Give this instance another spool.worker.name: every live worker node needs a name"
                + " of its own (leave it unset for <host>-<pid>). Or stop the node named '"
                + name
                + "' first.";
    return new SpoolStartupFailure(
        "Spool's worker cannot start: "
            + e.getMessage()
            + ". A node that stopped without saying so frees its name once its lease has passed"
            + " without a heartbeat.",
        action,
        e);
  }

  @Override
  public void setApplicationContext(ApplicationContext context) {
    this.context = context;
  }

  /**
   * The node stopped, by {@link #stop()} (nothing to do) or by itself: another instance took its
   * name. The application would otherwise go on as if it ran jobs, and a worker process
   * (web-application-type=none) would stay up for nothing, its keep-alive thread held.
   */
  private void onStopped(Worker stopped, StopSummary summary, Throwable error) {
    String name;
    KeepAliveThread k;
    synchronized (this) {
      if (worker != stopped) {
        return; // stop() took it first: the application is stopping
      }
      worker = null;
      stoppedByItself = stopped;
      name = defaultName;
      defaultName = null;
      k = keepAlive;
      keepAlive = null;
    }
    boolean exits = properties.isExitOnNameLost() && context != null;
    log.error(
        "Spool worker '{}' stopped by itself: another instance took its name while this one was"
            + " presumed dead (no heartbeat reached Redis for {} ms, spool.worker.lease), and two"
            + " live nodes must not share a name. It runs no more jobs ({}); {}",
        stopped.name(),
        properties.getLease().toMillis(),
        error != null
            ? "its stop failed: " + error
            : summary.finished() + " finished, " + summary.handedBack() + " handed back",
        exits
            ? "the application exits with status "
                + EXIT_WORKER_STOPPED
                + " (spool.worker.exit-on-name-lost=false would keep it up without its worker)"
            : "the application goes on without it (spool.worker.exit-on-name-lost=false)");
    if (name != null) {
      DefaultWorkerNames.release(name);
    }
    if (k != null) {
      k.release();
    }
    if (exits) {
      // Not on this thread, the node's own: closing the context stops the beans in order.
      Thread.ofPlatform()
          .name("spool-exit-" + stopped.name())
          .start(() -> exit.accept(SpringApplication.exit(context, () -> EXIT_WORKER_STOPPED)));
    }
  }

  /**
   * spool.worker.queues names the queues to fetch: a handler whose queue it leaves out never runs.
   */
  private void warnOfHandlersNotFetched() {
    List<String> notFetched =
        handlers.values().stream()
            .filter(h -> !properties.queueNames().contains(h.type().queue()))
            .map(h -> "'" + h.type().name() + "' (queue '" + h.type().queue() + "')")
            .toList();
    if (!notFetched.isEmpty()) {
      log.warn(
          "spool.worker.queues={} leaves out the queue of job type(s) {}: their SpoolHandler beans"
              + " run no job of this node; add the queue to spool.worker.queues",
          properties.getQueues(),
          String.join(", ", notFetched));
    }
  }

  /**
   * A queue of spool.worker.queues that no handler's type uses: every job this node fetches from it
   * fails (no handler is registered for its type), is retried and ends dead.
   */
  private void warnOfQueuesNoHandlerServes() {
    List<String> unserved =
        properties.queueNames().stream()
            .filter(q -> handlers.values().stream().noneMatch(h -> h.type().queue().equals(q)))
            .map(q -> "'" + q + "'")
            .toList();
    if (!unserved.isEmpty()) {
      log.warn(
          "spool.worker.queues={} names queue(s) {} that no SpoolHandler bean's job type uses:"
              + " every job this node fetches from them fails for want of a handler; remove them"
              + " or add their handlers",
          properties.getQueues(),
          String.join(", ", unserved));
    }
  }

  private static <A> void register(Worker.Builder builder, SpoolHandler<A> handler) {
    builder.handle(handler.type(), handler::handle);
  }

  private String nodeName() {
    if (properties.getName() != null && !properties.getName().isBlank()) {
      return properties.getName();
    }
    defaultName = DefaultWorkerNames.claim();
    return defaultName;
  }

  private void releaseDefaultName() {
    if (defaultName != null) {
      DefaultWorkerNames.release(defaultName);
      defaultName = null;
    }
  }

  @Override
  public void stop() {
    Worker w;
    String name;
    KeepAliveThread k;
    synchronized (this) {
      w = worker;
      worker = null;
      name = defaultName;
      defaultName = null;
      k = keepAlive;
      keepAlive = null;
    }
    if (w != null) {
      log.info("Spool worker '{}' stopping: {}", w.name(), w.stop());
    }
    if (name != null) {
      DefaultWorkerNames.release(name); // only now: the node is deregistered
    }
    if (k != null) {
      k.release(); // last: the JVM may exit once the worker has stopped
    }
  }

  /**
   * Stops the worker if the context is destroyed without being stopped (a refresh that failed after
   * the worker started): its keep-alive thread would otherwise hold the JVM up.
   */
  @Override
  public void destroy() {
    stop();
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

  /**
   * The worker node if it stopped by itself (another instance took its name), else null: the health
   * indicator reports DOWN then.
   */
  public Worker workerStoppedByItself() {
    return stoppedByItself;
  }
}
