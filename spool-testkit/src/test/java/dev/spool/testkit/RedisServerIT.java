package dev.spool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How starting a redis-server fails, and recovers. */
class RedisServerIT {

  @Test
  void aServerThatExitsAtOnceIsReportedWithItsOutput(@TempDir Path dir) throws IOException {
    Path broken = dir.resolve("broken-redis-server");
    Files.writeString(broken, "#!/bin/sh\necho 'FATAL: cannot start, sorry' >&2\nexit 3\n");
    assertThat(broken.toFile().setExecutable(true)).isTrue();
    RedisServer server = RedisServer.create(broken, true);
    try {
      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exited with code 3")
          .hasMessageContaining("FATAL: cannot start, sorry");
      assertThat(server.isRunning()).isFalse();
    } finally {
      server.dispose();
    }
  }

  @Test
  void aRestartWaitsForItsPortAndSaysSoIfItStaysTaken() throws IOException {
    RedisServer server = RedisServer.create(true);
    try {
      server.start();
      int port = server.port();
      server.stop();

      try (ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
        assertThat(squatter.isBound()).isTrue();
        assertThatThrownBy(server::start)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("could not get a port")
            .hasRootCauseMessage("port " + port + " on 127.0.0.1 is already in use");
      }

      server.start();
      assertThat(server.port()).isEqualTo(port);
      assertThat(server.isRunning()).isTrue();
    } finally {
      server.dispose();
    }
  }
}
