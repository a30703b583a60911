package dev.spool.internal.observe;

import dev.spool.AttemptResult;
import dev.spool.EnqueueCall;
import dev.spool.JobEvent;
import dev.spool.JobId;
import dev.spool.JobInterceptor;
import dev.spool.JobListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners and interceptors of one Spool. A listener's failure, whatever it throws, is logged
 * and changes nothing: a job whose start a listener failed to hear still runs and ends. Callers ask
 * {@link #listening()} or {@link #intercepting()} first, so that with none registered no event is
 * even built.
 */
public final class Observers {
  private static final Logger log = LoggerFactory.getLogger(Observers.class);

  public static final Observers NONE = new Observers(List.of(), List.of());

  private final List<JobListener> listeners;
  private final List<JobInterceptor> interceptors;

  public Observers(List<JobListener> listeners, List<JobInterceptor> interceptors) {
    this.listeners = List.copyOf(listeners);
    this.interceptors = List.copyOf(interceptors);
  }

  public boolean listening() {
    return !listeners.isEmpty();
  }

  public boolean intercepting() {
    return !interceptors.isEmpty();
  }

  public void enqueued(String queue, String type, int jobs) {
    for (JobListener l : listeners) {
      try {
        l.enqueued(queue, type, jobs);
      } catch (Throwable e) {
        log.warn("listener {} failed on enqueued: {}", l, e.toString());
      }
    }
  }

  public void started(JobEvent job) {
    for (JobListener l : listeners) {
      try {
        l.started(job);
      } catch (Throwable e) {
        log.warn("listener {} failed on started: {}", l, e.toString());
      }
    }
  }

  public void finished(JobEvent job, AttemptResult result, Duration execution) {
    for (JobListener l : listeners) {
      try {
        l.finished(job, result, execution);
      } catch (Throwable e) {
        log.warn("listener {} failed on finished: {}", l, e.toString());
      }
    }
  }

  /**
   * The outcome future, completed the way the interceptors say (each wraps the completion of the
   * ones registered after it), when there are any.
   */
  public <T> CompletableFuture<T> aroundOutcome(JobId id, CompletableFuture<T> outcome) {
    if (interceptors.isEmpty()) {
      return outcome;
    }
    List<UnaryOperator<Runnable>> wrappers = new ArrayList<>(interceptors.size());
    for (JobInterceptor interceptor : interceptors) {
      wrappers.add(interceptor.aroundOutcome(id));
    }
    CompletableFuture<T> seen = new CompletableFuture<>();
    outcome.whenComplete(
        (value, error) -> {
          Runnable complete =
              () -> {
                if (error != null) {
                  seen.completeExceptionally(error);
                } else {
                  seen.complete(value);
                }
              };
          for (int i = wrappers.size() - 1; i >= 0; i--) {
            complete = wrappers.get(i).apply(complete);
          }
          complete.run();
        });
    return seen;
  }

  /** Runs {@code proceed} inside every interceptor, the first registered outermost. */
  public <T> T aroundEnqueue(EnqueueCall call, Supplier<T> proceed) {
    return aroundEnqueue(0, call, proceed);
  }

  private <T> T aroundEnqueue(int i, EnqueueCall call, Supplier<T> proceed) {
    if (i == interceptors.size()) {
      return proceed.get();
    }
    return interceptors.get(i).aroundEnqueue(call, () -> aroundEnqueue(i + 1, call, proceed));
  }

  /** Runs {@code proceed} inside every interceptor, the first registered outermost. */
  public void aroundRun(JobEvent job, Map<String, String> headers, JobInterceptor.Attempt proceed)
      throws Exception {
    aroundRun(0, job, headers, proceed);
  }

  private void aroundRun(
      int i, JobEvent job, Map<String, String> headers, JobInterceptor.Attempt proceed)
      throws Exception {
    if (i == interceptors.size()) {
      proceed.run();
      return;
    }
    interceptors.get(i).aroundRun(job, headers, () -> aroundRun(i + 1, job, headers, proceed));
  }
}
