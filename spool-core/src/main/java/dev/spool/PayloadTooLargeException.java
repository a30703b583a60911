package dev.spool;

/** The JSON arguments of a job are larger than the configured limit; the job was not queued. */
public class PayloadTooLargeException extends SpoolException {
  public PayloadTooLargeException(String type, int bytes, int limit) {
    super(
        "arguments of job type '%s' are %d bytes of JSON, over the limit of %d bytes (see Spool.Builder.maxPayloadBytes)"
            .formatted(type, bytes, limit));
  }
}
