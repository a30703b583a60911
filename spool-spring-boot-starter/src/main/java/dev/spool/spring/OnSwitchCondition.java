package dev.spool.spring;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@link ConditionalOnSwitch}: binds the property with Spring's {@link Binder}, the same conversion
 * as {@link SpoolProperties}, so the condition and the bound value cannot disagree, and a value
 * that is no boolean fails as a binding failure naming the property.
 */
class OnSwitchCondition extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    Map<String, Object> attributes =
        metadata.getAnnotationAttributes(ConditionalOnSwitch.class.getName());
    String property = (String) attributes.get("value");
    boolean onIfMissing = (Boolean) attributes.get("onIfMissing");
    boolean on =
        Binder.get(context.getEnvironment()).bind(property, Boolean.class).orElse(onIfMissing);
    ConditionMessage.Builder message =
        ConditionMessage.forCondition(ConditionalOnSwitch.class, property);
    return on
        ? ConditionOutcome.match(message.because("on"))
        : ConditionOutcome.noMatch(message.because("off"));
  }
}
