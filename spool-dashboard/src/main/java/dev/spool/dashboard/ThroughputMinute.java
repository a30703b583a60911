package dev.spool.dashboard;

import java.time.Instant;

/** Jobs that ended in one minute, over every node. */
record ThroughputMinute(Instant minute, long processed, long failed) {}
