package dev.spool.dashboard;

import java.util.List;

/**
 * Where a distributed job stands.
 *
 * @param count parts still open
 * @param total parts pushed
 * @param openParts some of the open parts (at most {@link SpoolData#OPEN_PARTS_SHOWN})
 */
record DistributedProgress(
    String token,
    long count,
    long total,
    boolean finished,
    boolean stopped,
    List<String> openParts) {}
