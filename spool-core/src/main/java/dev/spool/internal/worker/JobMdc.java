package dev.spool.internal.worker;

import org.slf4j.MDC;

/**
 * The SLF4J MDC entries that name the job a thread works on, so that log lines of its handler and
 * Spool's own lines about it carry them. Keys: {@link #JOB_ID}, {@link #JOB_TYPE}, {@link #QUEUE},
 * {@link #ATTEMPT}, {@link #NODE}.
 */
final class JobMdc {
  static final String JOB_ID = "spool.jobId";
  static final String JOB_TYPE = "spool.jobType";
  static final String QUEUE = "spool.queue";
  static final String ATTEMPT = "spool.attempt";
  static final String NODE = "spool.node";

  private JobMdc() {}

  static void put(RunningJob job) {
    MDC.put(JOB_ID, job.key());
    MDC.put(JOB_TYPE, String.valueOf(job.job().type()));
    MDC.put(QUEUE, job.id().queue());
    MDC.put(ATTEMPT, Integer.toString(job.attempt()));
    MDC.put(NODE, job.node());
  }

  static void clear() {
    MDC.remove(JOB_ID);
    MDC.remove(JOB_TYPE);
    MDC.remove(QUEUE);
    MDC.remove(ATTEMPT);
    MDC.remove(NODE);
  }
}
