package dev.spool.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.spool.SpoolException;
import java.io.IOException;
import java.io.Writer;

/** The one JSON mapper of Spool. Jobs are JSON on the wire, never Java serialization. */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              // Handlers parse on virtual threads, new for every job: a per-thread buffer pool
              // would allocate fresh buffers each time, a shared pool reuses them.
              JsonFactory.builder()
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  // Whatever Jackson writes, it must read back: its read limits (numbers of
                  // 1 000 digits, names of 50 000 characters, strings of 20 M) are narrower
                  // than what it writes, and a job enqueued could not have been run. The
                  // payload limit (maxPayloadBytes) bounds what is read instead.
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNumberLength(Integer.MAX_VALUE)
                          .maxNameLength(Integer.MAX_VALUE)
                          .maxStringLength(Integer.MAX_VALUE)
                          .build())
                  .build())
          .findAndAddModules()
          .addModule(new WholeNumbers())
          // Producers in other languages or newer versions may add fields; ignore them.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /**
   * Reads a job's arguments strictly: a record component (or other creator property) missing from
   * the JSON, a null for a primitive, or a number with a fraction for an integer ({@link
   * WholeNumbers}) is an argument mismatch rather than a silent 0, null or cut. Unknown extra
   * fields stay tolerated, so producers may add fields before consumers know them.
   */
  private static final ObjectReader ARGS =
      MAPPER
          .reader()
          .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** One reader per argument type: {@code forType} would build a new one for every job. */
  private static final ClassValue<ObjectReader> ARGS_READERS =
      new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
          return ARGS.forType(type);
        }
      };

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Writes a value as JSON; a value that cannot be written is a clear {@link SpoolException}. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new SpoolException(
          "cannot write "
              + (value == null ? "null" : value.getClass().getName())
              + " as JSON: "
              + e.getOriginalMessage(),
          e);
    }
  }

  /**
   * Writes many values, each as its own JSON string, through one reused generator: a bulk enqueue
   * encodes thousands of arguments, and a fresh generator per value costs more than the value.
   * Writes the same text as {@link #write}. Not thread-safe: one per enqueue call, closed after it,
   * which hands the generator's buffers back to the pool (else every call, a single enqueue too,
   * would allocate and zero them anew).
   */
  public static final class Sequence implements AutoCloseable {
    private final StringBuilder text = new StringBuilder(64);
    private JsonGenerator generator;

    public String write(Object value) {
      try {
        if (generator == null) {
          generator = MAPPER.createGenerator(new StringBuilderWriter(text));
          generator.setRootValueSeparator(null);
        }
        MAPPER.writeValue(generator, value);
        generator.flush();
        return text.toString();
      } catch (IOException e) {
        close(); // half-written: start afresh, and say why as write() would
        return Json.write(value);
      } finally {
        text.setLength(0);
      }
    }

    @Override
    public void close() {
      JsonGenerator g = generator;
      generator = null;
      if (g != null) {
        try {
          g.close();
        } catch (IOException e) {
          // nothing was left to write: the buffers are released all the same
        }
      }
    }
  }

  /** A Writer that appends to a StringBuilder (java.io.StringWriter would synchronize). */
  private static final class StringBuilderWriter extends Writer {
    private final StringBuilder text;

    StringBuilderWriter(StringBuilder text) {
      this.text = text;
    }

    @Override
    public void write(char[] chars, int off, int len) {
      text.append(chars, off, len);
    }

    @Override
    public void write(String s, int off, int len) {
      text.append(s, off, off + len);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  public static <T> T read(String json, Class<T> type) throws JsonProcessingException {
    return MAPPER.readValue(json, type);
  }

  /**
   * What went wrong reading JSON, for a person: Jackson's message without its advice on
   * configuration flags, prefixed with the path of the field at fault when there is one.
   */
  public static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    int hint = message.indexOf(" (set DeserializationConfig");
    if (hint < 0) {
      hint = message.indexOf("; `DeserializationFeature");
    }
    if (hint >= 0) {
      message = message.substring(0, hint);
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder();
      for (JsonMappingException.Reference ref : mapping.getPath()) {
        if (ref.getFieldName() != null) {
          path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
      if (!path.isEmpty()) {
        return "field '" + path + "': " + message;
      }
    }
    return message;
  }

  /** Reads a job's arguments for its handler: see {@link #ARGS} for what counts as a mismatch. */
  public static <T> T readArgs(String json, Class<T> type) throws JsonProcessingException {
    return ARGS_READERS.get(type).readValue(json);
  }
}
