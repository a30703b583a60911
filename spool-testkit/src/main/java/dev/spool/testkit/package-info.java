/**
 * Test support for Spool.
 *
 * <ul>
 *   <li>{@link dev.spool.testkit.SpoolRedis} runs a real redis-server for tests, with nothing to
 *       install beyond the Maven dependencies.
 *   <li>{@link dev.spool.testkit.SpoolTesting} gives unit tests of applications an inline mode
 *       ({@link dev.spool.testkit.InlineJobs}: handlers run at enqueue) and a fake mode ({@link
 *       dev.spool.testkit.FakeJobs}: jobs recorded for assertions, drained on demand), without
 *       Redis.
 * </ul>
 */
package dev.spool.testkit;
