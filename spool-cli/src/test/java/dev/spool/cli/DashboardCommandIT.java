package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code spool dashboard}. */
class DashboardCommandIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Test
  void servesTheDashboardUntilStopped() throws Exception {
    CommandLine cli = SpoolCommand.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    DashboardCommand command = cli.getSubcommands().get("dashboard").getCommand();
    String ns = SpoolRedis.namespace();
    CompletableFuture<Integer> code =
        CompletableFuture.supplyAsync(
            () ->
                cli.execute("dashboard", "--port", "0", "--redis", redis.uri(), "--namespace", ns));

    await().atMost(Duration.ofSeconds(20)).until(() -> out.toString().contains("http://"));
    String url = out.toString().strip();
    HttpResponse<String> overview =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "api/overview")).build(),
                HttpResponse.BodyHandlers.ofString());
    command.stop.request();

    assertThat(url).startsWith("http://127.0.0.1:");
    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.body()).contains("\"namespace\":\"" + ns + "\"");
    assertThat(code.get()).isZero();
  }

  @Test
  void refusesToBindBeyondLoopbackWithoutAToken() {
    Cli.Run run = Cli.raw("dashboard", "--bind", "0.0.0.0", "--port", "0", "--redis", redis.uri());

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err)
        .startsWith(
            "spool dashboard: --bind 0.0.0.0: refusing to serve the dashboard beyond this machine"
                + " without authentication (it can kill and delete jobs): give --token TOKEN (or"
                + " $SPOOL_DASHBOARD_TOKEN), or bind to 127.0.0.1")
        .doesNotContain("username and password")
        .doesNotContain("auth hook");
  }
}
