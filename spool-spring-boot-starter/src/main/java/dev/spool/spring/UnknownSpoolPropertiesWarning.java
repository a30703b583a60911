package dev.spool.spring;

import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.Environment;

/**
 * Warns of {@code spool.*} properties that Spool does not have: a misspelt key ({@code
 * spool.worker.concurency}) is otherwise ignored silently and the default stays in force. Warned
 * of, not refused: an environment variable set for something else, such as {@code SPOOL_VERSION},
 * binds under {@code spool.*} too. So does one named after a section ({@code SPOOL_WORKER} is
 * {@code spool.worker}), which {@link SectionValues} leaves unbound; {@code SPOOL_REDIS} is the
 * Redis URI, not warned of.
 */
class UnknownSpoolPropertiesWarning implements SmartInitializingSingleton {
  private static final Logger log = LoggerFactory.getLogger(UnknownSpoolPropertiesWarning.class);

  private final Environment environment;

  UnknownSpoolPropertiesWarning(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void afterSingletonsInstantiated() {
    Map<ConfigurationPropertyName, ConfigurationProperty> stray = new TreeMap<>();
    try {
      // A second binding, into a throwaway SpoolProperties, that fails on what it leaves unbound
      Binder.get(environment)
          .bind(
              "spool",
              Bindable.of(SpoolProperties.class),
              new SectionValues(new NoUnboundElementsBindHandler(BindHandler.DEFAULT)));
    } catch (BindException e) {
      if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
        unbound.getUnboundProperties().forEach(p -> stray.put(p.getName(), p));
      }
      // any other failure was reported when SpoolProperties was bound
    }
    // A value on a section itself (SPOOL_WORKER), which the binding counts as bound when the
    // section has properties too.
    for (ConfigurationPropertyName section : SectionValues.SECTIONS) {
      for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
        ConfigurationProperty value = source.getConfigurationProperty(section);
        if (value != null) {
          stray.putIfAbsent(section, value);
          break;
        }
      }
    }
    stray.remove(SectionValues.REDIS); // SPOOL_REDIS: the Redis URI
    stray
        .values()
        .forEach(
            p ->
                log.warn(
                    "{} is not a Spool property ({}): it is ignored. The spool.* properties are"
                        + " listed in docs/spring-boot.md",
                    p.getName(),
                    p.getOrigin()));
  }
}
