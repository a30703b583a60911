/**
 * Test support for Spool: {@link dev.spool.testkit.SpoolRedis} runs a real redis-server for tests,
 * with nothing to install beyond the Maven dependencies.
 */
package dev.spool.testkit;
