package dev.spool.spring;

import dev.spool.Spool;

/**
 * A bean that adjusts the auto-configured {@link Spool.Builder} before the {@link Spool} is built,
 * for what has no {@code spool.*} property (dead-set bounds, {@code keepSucceeded}, {@code
 * maxPayloadBytes}, sharded queues …) without replacing the Spool bean, which would lose the
 * auto-configured listeners and interceptors. Applied after the properties, listeners and
 * interceptors, in {@code @Order}.
 */
@FunctionalInterface
public interface SpoolBuilderCustomizer {
  void customize(Spool.Builder builder);
}
