package dev.spool.internal.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.ObjectOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.CommandArgs;

/**
 * The arguments and reply of an EVALSHA, built here rather than by Lettuce's {@code evalsha}: that
 * one encodes every ARGV value through the codec into a pooled direct buffer of its own, then
 * copies it; a plain string argument is written straight into the command's buffer. Per-job
 * arguments (a fetch's or an ack's ids and results, a bulk enqueue's payloads) are most of what a
 * node sends, and their encoding was a tenth of a worker's CPU (async-profiler, W1 with no-op
 * jobs). Keys stay key arguments: a cluster connection routes the command by its first key.
 */
final class EvalShaCommand {
  private EvalShaCommand() {}

  static CommandArgs<String, String> args(String sha, String[] keys, String[] values) {
    CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
    args.add(sha).add(keys.length).addKeys(keys);
    for (String value : values) {
      args.add(value == null ? "" : value); // as the codec wrote a null
    }
    return args;
  }

  /** The reply's decoder for a script output type, as Lettuce's own script commands pick it. */
  @SuppressWarnings("unchecked")
  static <T> CommandOutput<String, String, T> output(ScriptOutputType type) {
    return (CommandOutput<String, String, T>)
        switch (type) {
          case BOOLEAN -> new BooleanOutput<>(StringCodec.UTF8);
          case INTEGER -> new IntegerOutput<>(StringCodec.UTF8);
          case STATUS -> new StatusOutput<>(StringCodec.UTF8);
          case MULTI -> new NestedMultiOutput<>(StringCodec.UTF8);
          case VALUE -> new ValueOutput<>(StringCodec.UTF8);
          case OBJECT -> new ObjectOutput<>(StringCodec.UTF8);
        };
  }
}
