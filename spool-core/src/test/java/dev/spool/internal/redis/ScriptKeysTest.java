package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A Redis Cluster sends a script to the node of its first key: a script that declares none would
 * run on whichever node the client picks, and fail there with "non local key". Every key a script
 * touches must be in that key's slot (ClusterIT runs them all on a real cluster).
 */
class ScriptKeysTest {

  @Test
  void everyScriptDeclaresTheKeyThatRoutesItToItsSlot() {
    for (Script script : Script.values()) {
      String header = script.text().substring(0, script.text().indexOf("]]"));
      assertThat(header).as(script.fileName()).contains("KEYS[1]");
    }
  }
}
