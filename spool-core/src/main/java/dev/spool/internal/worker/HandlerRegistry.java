package dev.spool.internal.worker;

import dev.spool.Handler;
import dev.spool.JobType;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The handlers of one worker node, by stored job type name. */
public final class HandlerRegistry {
  /** A job type and its handler. */
  public record Registration<A>(JobType<A> type, Handler<A> handler) {}

  private final Map<String, Registration<?>> byName = new LinkedHashMap<>();

  public <A> void register(JobType<A> type, Handler<A> handler) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    if (byName.containsKey(type.name())) {
      throw new IllegalArgumentException(
          "a handler for job type '" + type.name() + "' is already registered");
    }
    byName.put(type.name(), new Registration<>(type, handler));
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
