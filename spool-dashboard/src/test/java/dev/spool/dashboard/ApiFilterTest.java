package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** The job filter of {@code GET api/jobs}: what its 400s say. */
class ApiFilterTest {
  @Test
  void anUnknownStateListsOnlyTheStatesAQueryTakes() {
    ApiException e =
        catchThrowableOfType(ApiException.class, () -> Api.filter(Params.ofQuery("state=done")));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage())
        .isEqualTo(
            "state: unknown state 'done': use one of unqueued, scheduled, queued, started,"
                + " succeeded, failed, killed, completed, incomplete");
  }

  @Test
  void unknownItselfIsRefusedWithItsOwnReason() {
    ApiException e =
        catchThrowableOfType(ApiException.class, () -> Api.filter(Params.ofQuery("state=unknown")));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("no status is stored as 'unknown': use one of unqueued");
  }
}
