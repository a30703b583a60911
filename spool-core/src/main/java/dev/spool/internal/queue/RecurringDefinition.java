package dev.spool.internal.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spool.internal.json.Json;

/**
 * What a recurring job enqueues on each tick, as stored (field of {@code {q}:recurring}).
 *
 * @param schedule {@code Schedule.stored()}
 * @param args the job's arguments, JSON
 * @param options stored options JSON, "" for none
 * @param lock unique lock spec, "" when not unique
 * @param lockTtlMs the lock's TTL
 * @param lockAtEnqueue whether the lock is taken when the job is enqueued
 * @param node the node each tick's job is for, null for any (job_reactor's periodic jobs take
 *     {@code node} and {@code not_node} as its other jobs do)
 * @param strictNode whether only {@code node} may run it
 * @param notNode the node that never runs it, null for none
 * @param priority its priority within the queue (0, the default, when stored before 0.2)
 * @param concurrencyLimit the stored concurrency limit spec of each tick's job, as an enqueue of
 *     its type and arguments writes it; "" or null (stored before 0.2) for none
 * @param rateLimit the same for its rate limit
 */
public record RecurringDefinition(
    String schedule,
    String type,
    String args,
    String options,
    String lock,
    long lockTtlMs,
    boolean lockAtEnqueue,
    String node,
    boolean strictNode,
    String notNode,
    int priority,
    String concurrencyLimit,
    String rateLimit) {
  public String toJson() {
    return Json.write(this);
  }

  public static RecurringDefinition parse(String json) throws JsonProcessingException {
    return Json.read(json, RecurringDefinition.class);
  }
}
