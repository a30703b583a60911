package dev.spool.dashboard;

import java.time.Duration;

/**
 * A queue's operator controls as the overview shows them.
 *
 * @param concurrencyLimit jobs of the queue that may run at once on all nodes; null: no limit
 * @param rateLimit starts allowed per {@code ratePer}; null: no limit
 * @param ratePer the rate limit's window; null without a rate limit
 */
record QueueState(boolean paused, Integer concurrencyLimit, Integer rateLimit, Duration ratePer) {}
