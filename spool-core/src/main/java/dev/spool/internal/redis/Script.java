package dev.spool.internal.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts, one per atomic operation, read from {@code dev/spool/scripts/<name>.lua}. Called
 * by SHA; the source is sent only when Redis does not know the SHA yet.
 */
public enum Script {
  ENQUEUE("enqueue"),
  FETCH("fetch"),
  COMPLETE("complete"),
  FAIL("fail"),
  POSTPONE("postpone"),
  HEARTBEAT("heartbeat"),
  RELEASE("release"),
  RECLAIM("reclaim"),
  STAGE("stage"),
  REAP("reap"),
  CANCEL("cancel"),
  RETRY_DEAD("retry-dead"),
  PURGE_DEAD("purge-dead"),
  STATUS_CREATE("status-create"),
  STATUS_STATE("status-state"),
  STATUS_UPDATE("status-update"),
  STATUS_LABEL("status-label"),
  STATUS_SUMMARIES("status-summaries"),
  DEAD_SUMMARIES("dead-summaries"),
  STATUS_DELETE("status-delete"),
  JOB_LOG("job-log"),
  JOB_LOG_READ("job-log-read"),
  REQUEST_KILL("request-kill"),
  QUERY("query"),
  PRUNE("prune"),
  TRIM_DEAD("trim-dead"),
  INDEX_SWEEP("index-sweep"),
  DJ_PUSH("dj-push"),
  DJ_DONE("dj-done"),
  DJ_STOP("dj-stop"),
  BATCH_OPEN("batch-open"),
  BATCH_DONE("batch-done"),
  BATCH_SETTLE("batch-settle"),
  BATCH_SUBMIT("batch-submit"),
  BATCH_STOP("batch-stop"),
  RECUR_SET("recur-set"),
  RECUR_CANCEL("recur-cancel"),
  RECUR_FIRE("recur-fire"),
  RECUR_SKIP("recur-skip"),
  RECUR_DUE("recur-due"),
  NODE_REGISTER("node-register"),
  NODE_LEAVE("node-leave"),
  NODE_FORGET("node-forget"),
  LEADER("leader"),
  LEADER_RESIGN("leader-resign"),
  COUNTS("counts"),
  ROUTE("route"),
  QUEUE_RESUME("queue-resume"),
  QUEUE_LIMIT("queue-limit"),
  DRAIN("drain"),
  PROMOTE("promote");

  /** Helpers every script starts with (status indexes, unique locks). */
  private final String fileName;

  private final String text;
  private final String source;
  private final String sha;

  Script(String fileName) {
    this.fileName = fileName;
    this.text = read("/dev/spool/scripts/" + fileName + ".lua");
    this.source = read("/dev/spool/scripts/lib.lua") + "\n" + text;
    this.sha = sha1(source);
  }

  /** The script's own file, without the helpers. */
  public String text() {
    return text;
  }

  public String fileName() {
    return fileName;
  }

  /** What Redis runs: the helpers of {@code lib.lua}, then the script. */
  public String source() {
    return source;
  }

  public String sha() {
    return sha;
  }

  private static String read(String resource) {
    try (InputStream in = Script.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
