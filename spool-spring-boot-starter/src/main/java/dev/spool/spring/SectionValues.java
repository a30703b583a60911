package dev.spool.spring;

import java.util.List;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;

/**
 * Binds a value given to a section of the {@code spool.*} properties itself, as an environment
 * variable named after it gives one ({@code SPOOL_REDIS} is {@code spool.redis} to Spring): {@code
 * spool.redis} is the Redis URI, as {@code SPOOL_REDIS} is for the CLI; a value on another section
 * ({@code SPOOL_WORKER} for {@code spool.worker}) is left unbound, and so warned of by {@link
 * UnknownSpoolPropertiesWarning}. Spring would otherwise try to convert the value into the
 * section's class, fail, and stop the application with a report that prints the value: a password,
 * for a Redis URI.
 *
 * <p>{@code spool.redis} counts as {@code spool.redis.uri} set where it is set: a {@code
 * spool.redis.uri} of a source above it (a command-line argument, {@code SPOOL_REDIS_URI}) wins,
 * one below it (application.properties) does not, as between any two sources.
 */
final class SectionValues extends AbstractBindHandler {
  static final ConfigurationPropertyName SPOOL = ConfigurationPropertyName.of("spool");
  static final ConfigurationPropertyName REDIS = ConfigurationPropertyName.of("spool.redis");
  private static final ConfigurationPropertyName REDIS_URI =
      ConfigurationPropertyName.of("spool.redis.uri");

  /** The sections of {@link SpoolProperties}: each a nested class of its own. */
  static final List<ConfigurationPropertyName> SECTIONS =
      Stream.of("redis", "worker", "metrics", "tracing", "health", "dashboard", "retry")
          .map(SPOOL::append)
          .toList();

  SectionValues(BindHandler parent) {
    super(parent);
  }

  @Override
  public <T> Bindable<T> onStart(
      ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
    if (isSection(name, target)) {
      // The section is bound from its properties only, never from a value of its own.
      target = target.withBindRestrictions(Bindable.BindRestriction.NO_DIRECT_PROPERTY);
    }
    return super.onStart(name, target, context);
  }

  @Override
  public void onFinish(
      ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result)
      throws Exception {
    super.onFinish(name, target, context, result);
    if (name.equals(REDIS) && redisValueWins(context)) {
      // The section's own instance (SpoolProperties holds it), bound into or left as it was.
      Object redis =
          result != null ? result : target.getValue() == null ? null : target.getValue().get();
      if (redis instanceof SpoolProperties.Redis section) {
        // Through the binder, which resolves placeholders: the first source holding spool.redis
        // is the one redisValueWins found.
        context
            .getBinder()
            .bind(REDIS, Bindable.of(String.class))
            .ifBound(uri -> section.setUri(uri.strip()));
      }
    }
  }

  private static boolean isSection(ConfigurationPropertyName name, Bindable<?> target) {
    Class<?> type = target.getType().resolve(Object.class);
    return SECTIONS.contains(name) && type.getDeclaringClass() == SpoolProperties.class;
  }

  /**
   * Whether a source has spool.redis before any source has spool.redis.uri, and it is not blank: as
   * for the CLI, an empty variable ({@code SPOOL_REDIS=} in an env file) is one that is not set.
   */
  private static boolean redisValueWins(BindContext context) {
    for (ConfigurationPropertySource source : context.getSources()) {
      if (source.getConfigurationProperty(REDIS_URI) != null) {
        return false; // in a source above, or in the same one: the more precise name wins
      }
      ConfigurationProperty value = source.getConfigurationProperty(REDIS);
      if (value != null) {
        return value.getValue() != null && !value.getValue().toString().isBlank();
      }
    }
    return false;
  }
}
