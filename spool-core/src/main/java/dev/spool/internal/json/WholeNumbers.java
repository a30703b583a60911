package dev.spool.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.function.Function;

/**
 * Integers written with a decimal point: {@code 5.0} or {@code 1e2} for an {@code int} is that
 * whole number (producers in other languages write floats, and so did Spool 0.1's CLI), while
 * {@code 2.7} is refused rather than cut to 2, as Jackson would with {@code ACCEPT_FLOAT_AS_INT}.
 */
final class WholeNumbers extends SimpleModule {
  private static final Map<Class<?>, Function<BigDecimal, Object>> EXACT =
      Map.of(
          int.class, BigDecimal::intValueExact,
          Integer.class, BigDecimal::intValueExact,
          long.class, BigDecimal::longValueExact,
          Long.class, BigDecimal::longValueExact,
          short.class, BigDecimal::shortValueExact,
          Short.class, BigDecimal::shortValueExact);

  WholeNumbers() {
    super("spool-whole-numbers");
    setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public JsonDeserializer<?> modifyDeserializer(
              DeserializationConfig config, BeanDescription desc, JsonDeserializer<?> standard) {
            Function<BigDecimal, Object> exact = EXACT.get(desc.getBeanClass());
            return exact == null ? standard : new Whole(standard, exact);
          }
        });
  }

  /** The standard deserializer of an integer type, but for a float token: exact, or refused. */
  private static final class Whole extends DelegatingDeserializer {
    private final Function<BigDecimal, Object> exact;

    Whole(JsonDeserializer<?> standard, Function<BigDecimal, Object> exact) {
      super(standard);
      this.exact = exact;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
      return new Whole(delegate, exact);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.hasToken(JsonToken.VALUE_NUMBER_FLOAT)) {
        BigDecimal value = p.getDecimalValue();
        try {
          return exact.apply(value);
        } catch (ArithmeticException e) {
          return ctxt.handleWeirdNumberValue(
              handledType(), value, "not a whole number, or out of the type's range");
        }
      }
      return super.deserialize(p, ctxt);
    }
  }
}
