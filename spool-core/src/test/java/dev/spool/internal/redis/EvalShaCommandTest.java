package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.ObjectOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvalShaCommandTest {

  /** The arguments as they go on the wire, after the command name. */
  private static String wire(CommandArgs<String, String> args) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      args.encode(buffer);
      return buffer.toString(StandardCharsets.UTF_8);
    } finally {
      buffer.release();
    }
  }

  @Test
  void argumentsAreTheShaTheKeyCountTheKeysAndTheValuesInOrder() {
    var args =
        EvalShaCommand.args("abc", new String[] {"{q}:ready", "{q}:prio"}, new String[] {"7", ""});

    assertThat(wire(args))
        .isEqualTo(
            "$3\r\nabc\r\n"
                + "$1\r\n2\r\n"
                + "$9\r\n{q}:ready\r\n"
                + "$8\r\n{q}:prio\r\n"
                + "$1\r\n7\r\n"
                + "$0\r\n\r\n");
  }

  @Test
  void aValueIsCountedInUtf8BytesAndANullIsSentEmptyAsTheCodecDid() {
    var args = EvalShaCommand.args("s", new String[] {"k"}, new String[] {"é€", null});

    assertThat(wire(args)).isEqualTo("$1\r\ns\r\n$1\r\n1\r\n$1\r\nk\r\n$5\r\né€\r\n$0\r\n\r\n");
  }

  @Test
  void keysStayKeysSoThatAClusterRoutesByTheFirst() {
    var args = EvalShaCommand.args("s", new String[] {"{a}:x", "{a}:y"}, new String[] {"v"});

    assertThat(args.getFirstEncodedKey()).isEqualTo(StringCodec.UTF8.encodeKey("{a}:x"));
  }

  @Test
  void eachOutputTypeGetsTheDecoderLettuceGivesIt() {
    Map<ScriptOutputType, Class<?>> decoders =
        Map.of(
            ScriptOutputType.BOOLEAN, BooleanOutput.class,
            ScriptOutputType.INTEGER, IntegerOutput.class,
            ScriptOutputType.STATUS, StatusOutput.class,
            ScriptOutputType.MULTI, NestedMultiOutput.class,
            ScriptOutputType.VALUE, ValueOutput.class,
            ScriptOutputType.OBJECT, ObjectOutput.class);

    assertThat(decoders).containsOnlyKeys(ScriptOutputType.values());
    decoders.forEach(
        (type, decoder) ->
            assertThat(EvalShaCommand.<Object>output(type)).as(type.name()).isInstanceOf(decoder));
  }
}
