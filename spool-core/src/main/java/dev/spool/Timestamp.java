package dev.spool;

/** The timestamps of a status: each records the first entry into its state, in µs. */
public enum Timestamp {
  RECORDED_AT("rec"),
  SCHEDULED_AT("sch"),
  QUEUED_AT("que"),
  STARTED_AT("sta"),
  SUCCEEDED_AT("suc"),
  FAILED_AT("fai"),
  KILLED_AT("kil"),
  KILL_REQUESTED_AT("krq");

  private final String field;

  Timestamp(String field) {
    this.field = field;
  }

  /** The job hash field that holds it. */
  public String field() {
    return field;
  }
}
