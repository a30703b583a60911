package dev.spool;

/**
 * {@link StatusQueryCursorIT} on queues from before the bucket directory (no {@code ix:dir:low}):
 * queries walk every bucket number down to 0, in several calls, and give the same answers.
 */
class StatusQueryCursorWithoutDirectoryIT extends StatusQueryCursorIT {
  @Override
  boolean walksEveryBucket() {
    return true;
  }
}
