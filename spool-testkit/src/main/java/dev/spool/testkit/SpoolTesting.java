package dev.spool.testkit;

import dev.spool.JobClient;

/**
 * Testing modes for applications that enqueue Spool jobs, without Redis. Application code that
 * takes a {@link JobClient} (which {@link dev.spool.Spool} implements) gets one of these in its
 * unit tests:
 *
 * <ul>
 *   <li>{@link #inline()}: every job runs through its handler, in the caller's thread, before
 *       {@code enqueue} returns;
 *   <li>{@link #fake()}: jobs are recorded, for assertions, and run only when the test {@link
 *       FakeJobs#drain() drains} them.
 * </ul>
 *
 * <p>Both write the arguments as JSON and read them back as a worker would, so arguments that a
 * real Spool could not carry fail the test. For the rest — uniqueness, delays, statuses, outcomes,
 * workers — test against a real Spool on {@link SpoolRedis}.
 */
public final class SpoolTesting {
  private SpoolTesting() {}

  /** A new inline client, with no handlers yet: register them with {@link InlineJobs#handle}. */
  public static InlineJobs inline() {
    return new InlineJobs();
  }

  /** A new fake client, with nothing recorded. */
  public static FakeJobs fake() {
    return new FakeJobs();
  }
}
