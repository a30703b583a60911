package dev.spool.spring;

import dev.spool.Spool;
import dev.spool.dashboard.DashboardAuth;
import dev.spool.dashboard.SpoolDashboard;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The Spool dashboard on a port of its own, when {@code spool.dashboard.enabled=true} and
 * spool-dashboard is on the class path. It is an admin console (it can kill jobs): it binds to
 * 127.0.0.1 unless told otherwise, and refuses to start on another address without authentication
 * (a token, a username and password, or a {@link DashboardAuth} bean).
 *
 * <p>What the dashboard's builder refuses is reported in the {@code spool.dashboard.*} properties
 * ({@link SpoolStartupFailure}): its own messages name the CLI's flags and the builder's methods.
 */
@AutoConfiguration(after = SpoolAutoConfiguration.class)
@ConditionalOnClass(SpoolDashboard.class)
@ConditionalOnBean(Spool.class)
@ConditionalOnSwitch(value = "spool.dashboard.enabled", onIfMissing = false)
public class SpoolDashboardAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SpoolDashboardAutoConfiguration.class);

  private static final String AUTH_OPTIONS =
      "set spool.dashboard.token (at least 8 characters), or spool.dashboard.username and"
          + " spool.dashboard.password, or define a DashboardAuth bean";

  /** Started here rather than by an init method, to log where it listens (port 0 picks one). */
  @Bean(destroyMethod = "stop")
  @ConditionalOnMissingBean
  public SpoolDashboard spoolDashboard(
      Spool spool, SpoolProperties properties, ObjectProvider<DashboardAuth> auth) {
    SpoolProperties.Dashboard d = properties.getDashboard();
    SpoolDashboard.Builder builder =
        SpoolDashboard.builder()
            .spool(spool)
            .bind(d.getBind())
            .port(d.getPort())
            .readOnly(d.isReadOnly());
    if (d.getPathPrefix() != null && !d.getPathPrefix().isEmpty()) {
      builder.pathPrefix(d.getPathPrefix());
    }
    credentials(builder, d);
    auth.ifUnique(builder::auth);
    SpoolDashboard dashboard;
    try {
      dashboard = builder.build();
    } catch (IllegalArgumentException e) { // the bind address does not resolve
      throw new SpoolStartupFailure(
          "Spool's dashboard cannot start: " + e.getMessage() + ".",
          "Correct spool.dashboard.bind: an address of this machine (0.0.0.0 for all of them), or"
              + " leave it unset for 127.0.0.1.",
          e);
    } catch (IllegalStateException e) { // documented: bound beyond loopback, no authentication
      throw new SpoolStartupFailure(
          "Spool's dashboard refuses to serve on "
              + d.getBind()
              + " (spool.dashboard.bind) without authentication: it can kill and delete jobs.",
          "To serve beyond this machine, "
              + AUTH_OPTIONS
              + " (and put HTTPS in front of it). Otherwise leave spool.dashboard.bind unset: the"
              + " dashboard then listens on 127.0.0.1 only.",
          e);
    }
    try {
      dashboard.start();
    } catch (UncheckedIOException e) {
      throw new SpoolStartupFailure(
          "Spool's dashboard cannot start: " + e.getMessage() + ".",
          "Set spool.dashboard.port to a free port (0 picks one; the URL is logged), or stop what"
              + " listens on "
              + d.getPort()
              + ".",
          e);
    }
    log.info("Spool dashboard at {}", dashboard.url());
    return dashboard;
  }

  /**
   * The token, or the username and password, checked by the dashboard's rules; a refused one is
   * reported without its value (a secret, which Spring's binding report would show).
   */
  private static void credentials(SpoolDashboard.Builder builder, SpoolProperties.Dashboard d) {
    boolean token = d.getToken() != null && !d.getToken().isEmpty();
    boolean username = d.getUsername() != null && !d.getUsername().isEmpty();
    boolean password = d.getPassword() != null && !d.getPassword().isEmpty();
    if (token && (username || password)) {
      throw new SpoolStartupFailure(
          "Spool's dashboard takes one kind of credentials, but both spool.dashboard.token and"
              + " spool.dashboard."
              + (username ? "username" : "password")
              + " are set.",
          "Keep spool.dashboard.token (a login page, or an Authorization: Bearer header), or"
              + " spool.dashboard.username and spool.dashboard.password (HTTP Basic), not both.",
          null);
    }
    if (username != password) {
      throw new SpoolStartupFailure(
          "Spool's dashboard has spool.dashboard."
              + (username ? "username" : "password")
              + " but no spool.dashboard."
              + (username ? "password" : "username")
              + ".",
          "Set both spool.dashboard.username and spool.dashboard.password, or neither.",
          null);
    }
    if (token) {
      try {
        builder.token(d.getToken());
      } catch (IllegalArgumentException e) {
        throw new SpoolStartupFailure(
            "Spool's dashboard refuses spool.dashboard.token: " + e.getMessage() + ".",
            "Set spool.dashboard.token to a secret of at least 8 characters (a long random one:"
                + " it is the dashboard's only protection), e.g. from an environment variable"
                + " (SPOOL_DASHBOARD_TOKEN).",
            e);
      }
    } else if (username) {
      try {
        builder.basicAuth(d.getUsername(), d.getPassword());
      } catch (IllegalArgumentException e) {
        throw new SpoolStartupFailure(
            "Spool's dashboard refuses spool.dashboard.username: " + e.getMessage() + ".",
            "Set spool.dashboard.username to a name without ':' (HTTP Basic separates it from the"
                + " password with one).",
            e);
      }
    }
  }
}
