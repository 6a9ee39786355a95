package org.seqrec.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.PoolOp;

class PoolChangeValidatorTest {

    private final PoolChangeValidator validator = new PoolChangeValidator(8, 3);

    @Test
    void shouldKeepTheOperationAndTheItems() throws Exception {
        PoolChange add = validator.validate(new CandidatePoolUpdate(PoolOp.ADD, List.of("1", "2"), Instant.EPOCH));
        assertThat(add.add).isTrue();
        assertThat(add.itemIds).containsExactly("1", "2");
        PoolChange remove = validator.validate(new CandidatePoolUpdate(PoolOp.REMOVE, List.of("1"), Instant.EPOCH));
        assertThat(remove.add).isFalse();
    }

    @Test
    void shouldRefuseAnUpdateWithoutItemsOrWithABadItemId() {
        assertThatThrownBy(() -> validator.validate(new CandidatePoolUpdate(PoolOp.ADD, List.of(), Instant.EPOCH)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.MISSING_FIELD))
                .hasMessage("item_ids is empty");
        assertThatThrownBy(() -> validator.validate(new CandidatePoolUpdate(PoolOp.ADD, List.of("1", " "), Instant.EPOCH)))
                .hasMessage("item id is empty");
        assertThatThrownBy(() -> validator.validate(new CandidatePoolUpdate(PoolOp.REMOVE, List.of("123456789"),
                Instant.EPOCH))).hasMessage("item id has 9 characters, more than the 8 allowed");
        assertThatThrownBy(() -> validator.validate(new CandidatePoolUpdate(PoolOp.ADD, List.of("1", "2", "3", "4"),
                Instant.EPOCH))).isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_FIELD))
                .hasMessageContaining("more than the whole pool may hold (pool.max-size 3)");
    }
}
