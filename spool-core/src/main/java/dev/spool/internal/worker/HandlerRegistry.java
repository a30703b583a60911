package dev.spool.internal.worker;

import dev.spool.Callback;
import dev.spool.Errback;
import dev.spool.Handler;
import dev.spool.JobType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The handlers of one worker node, by stored job type name. */
public final class HandlerRegistry {
  /** A job type, its handler, and the callbacks and errbacks that follow it, in order. */
  public record Registration<A>(
      JobType<A> type,
      Handler<A> handler,
      List<Callback<A>> onSuccess,
      List<Errback<A>> onFailure) {}

  private final Map<String, Registration<?>> byName = new LinkedHashMap<>();

  public <A> void register(JobType<A> type, Handler<A> handler) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    if (byName.containsKey(type.name())) {
      throw new IllegalArgumentException(
          "a handler for job type '" + type.name() + "' is already registered");
    }
    byName.put(
        type.name(), new Registration<>(type, handler, new ArrayList<>(), new ArrayList<>()));
  }

  /** Adds a callback to a registered type's handler. */
  @SuppressWarnings("unchecked")
  public <A> void onSuccess(JobType<A> type, Callback<A> callback) {
    ((Registration<A>) registered(type)).onSuccess().add(Objects.requireNonNull(callback));
  }

  @SuppressWarnings("unchecked")
  public <A> void onFailure(JobType<A> type, Errback<A> errback) {
    ((Registration<A>) registered(type)).onFailure().add(Objects.requireNonNull(errback));
  }

  private Registration<?> registered(JobType<?> type) {
    Registration<?> r = byName.get(type.name());
    if (r == null) {
      throw new IllegalArgumentException(
          "no handler for job type '" + type.name() + "' yet: call handle(...) before callbacks");
    }
    return r;
  }

  public Registration<?> find(String typeName) {
    return typeName == null ? null : byName.get(typeName);
  }

  /** The queues of the registered types, in registration order. */
  public Set<String> queues() {
    Set<String> queues = new LinkedHashSet<>();
    byName.values().forEach(r -> queues.add(r.type().queue()));
    return queues;
  }
}
