package org.seqrec.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.RankingRequest;

class RankRequestValidatorTest {

    private static final Instant MIN = Instant.parse("1990-01-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final RankRequestValidator validator = new RankRequestValidator(MIN, Duration.ofHours(1), 8, 3);

    private static RankingRequest request(String requestId, List<String> candidates, int k) {
        return new RankingRequest(requestId, "u1", candidates, k, NOW);
    }

    @Test
    void shouldDropRepeatedCandidatesKeepingTheFirstAndCapKAtTheirCount() throws Exception {
        RankRequest request = validator.validate(request("r1", List.of("b", "a", "b"), 5));
        assertThat(request.requestId).isEqualTo("r1");
        assertThat(request.userId).isEqualTo("u1");
        assertThat(request.candidateItemIds).containsExactly("b", "a");
        assertThat(request.k).isEqualTo(2);
        assertThat(request.requestTime).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void shouldRefuseNoCandidatesTooManyCandidatesAndKBelowOne() {
        assertThatThrownBy(() -> validator.validate(request("r1", List.of(), 1)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.MISSING_FIELD))
                .hasMessage("candidate_item_ids is empty");
        assertThatThrownBy(() -> validator.validate(request("r1", Collections.nCopies(4, "a"), 1)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_FIELD))
                .hasMessage("candidate_item_ids has 4 items, more than the 3 allowed");
        assertThatThrownBy(() -> validator.validate(request("r1", List.of("a"), 0)))
                .hasMessage("k is 0; it must be at least 1");
    }

    @Test
    void shouldRefuseBadIdsAndAnAbsurdTime() {
        assertThatThrownBy(() -> validator.validate(request("", List.of("a"), 1))).hasMessage("request_id is empty");
        assertThatThrownBy(() -> validator.validate(request("r1", List.of("a", "123456789"), 1)))
                .hasMessage("candidate item id has 9 characters, more than the 8 allowed");
        assertThatThrownBy(() -> validator.validate(new RankingRequest("r1", "u1", List.of("a"), 1, MIN.minusSeconds(1))))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.ABSURD_TIMESTAMP));
    }
}
