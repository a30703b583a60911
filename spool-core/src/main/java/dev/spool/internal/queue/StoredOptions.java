package dev.spool.internal.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.spool.Retry;
import dev.spool.internal.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The per-job settings stored with a job (hash field {@code o}) when they differ from the defaults,
 * so that whichever node runs the job applies the policy its enqueuer chose.
 *
 * @param retry null when none was named: the node that runs the job then applies its type's policy
 *     or its own default (JobRunner)
 * @param timeoutMs null for no timeout
 * @param headers what {@link dev.spool.JobInterceptor}s stored at enqueue (a trace context); null
 *     for none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredOptions(
    StoredRetry retry,
    Long timeoutMs,
    @JsonDeserialize(using = LenientHeaders.class) Map<String, String> headers) {
  public static final StoredOptions NONE = new StoredOptions(null, null, null);

  public static StoredOptions of(Retry retry, Duration timeout) {
    return of(retry, timeout, Map.of());
  }

  public static StoredOptions of(Retry retry, Duration timeout, Map<String, String> headers) {
    return new StoredOptions(
        retry == null ? null : StoredRetry.of(retry),
        timeout == null ? null : timeout.toMillis(),
        headers.isEmpty() ? null : Map.copyOf(headers));
  }

  /** "" for no options, so that default jobs store nothing. */
  public String toJson() {
    return retry == null && timeoutMs == null && headers == null ? "" : Json.write(this);
  }

  /** The policy stored with the job; empty when its enqueuer named none. */
  public Optional<Retry> storedRetry() {
    return Optional.ofNullable(retry).map(StoredRetry::toRetry);
  }

  /** The stored headers; empty when none. */
  public Map<String, String> headersOrEmpty() {
    return headers == null ? Map.of() : headers;
  }

  public static StoredOptions parse(String json) throws JsonProcessingException {
    return json == null || json.isEmpty() ? NONE : Json.read(json, StoredOptions.class);
  }

  /**
   * Headers as another language's producer may write them: only the entries whose value is a string
   * are kept, anything else (a list, an object, a number where a map should be) is left out rather
   * than failing the job, whose arguments and policy are sound: a trace context is an aid.
   */
  static final class LenientHeaders extends JsonDeserializer<Map<String, String>> {
    @Override
    public Map<String, String> deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      JsonNode node = parser.readValueAsTree();
      if (node == null || !node.isObject()) {
        return null;
      }
      Map<String, String> kept = new LinkedHashMap<>();
      node.properties()
          .forEach(
              e -> {
                if (e.getValue().isTextual()) {
                  kept.put(e.getKey(), e.getValue().textValue());
                }
              });
      return kept.isEmpty() ? null : kept;
    }
  }

  /**
   * A {@link Retry} as stored; {@code noRetryFor} is left out when empty (older nodes ignore it).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record StoredRetry(
      int attempts, long firstDelayMs, double multiplier, double jitter, List<String> noRetryFor) {
    static StoredRetry of(Retry r) {
      return new StoredRetry(
          r.attempts(), r.firstDelayMillis(), r.multiplier(), r.jitter(), r.noRetryFor());
    }

    Retry toRetry() {
      return new Retry(attempts, Duration.ofMillis(firstDelayMs), multiplier, jitter, noRetryFor);
    }
  }
}
