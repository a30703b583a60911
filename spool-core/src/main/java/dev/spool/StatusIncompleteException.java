package dev.spool;

/** {@link JobStatus#delete()} of a status that is not completed; use forceDelete to insist. */
public class StatusIncompleteException extends SpoolException {
  public StatusIncompleteException(JobId id, State state) {
    super(
        "status "
            + id
            + " is "
            + state.stored()
            + ", not completed: only succeeded or failed statuses are deleted (forceDelete() deletes"
            + " any)");
  }
}
