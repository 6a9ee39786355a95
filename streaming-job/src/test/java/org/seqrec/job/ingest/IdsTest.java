package org.seqrec.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.seqrec.avro.ErrorKind;

class IdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"u-1", "318", "用户-42", "é", "👩‍💻", "a b", "xxxxxxxxxxxxxxxx"})
    void acceptsPrintableIdsUnchanged(String id) throws Exception {
        assertThat(Ids.require("user_id", id, 16)).isSameAs(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\0", "\0\0\0", "u\0", "\u001b[31mred", "u\u0007", "u\u007f", "u\u009b2J", // C0, DEL, C1 controls
            "u\u202Eevil", "\u2066u", "\uFEFFu", "u\u00AD", // bidi overrides and isolates, BOM, soft hyphen
            "u\u2028v", "u\u2029v", "u\uD800", "\uDC00u", "u\uFFFE", "u\uFDD0", "u\uDBFF\uDFFF", // separators, surrogates, nonchars
            " u", "u ", "u\u00A0", "\u3000u"}) // surrounding white space
    void refusesControlFormatSeparatorAndSurroundingSpaceAsInvalid(String id) {
        assertThatThrownBy(() -> Ids.require("user_id", id, 16))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_FIELD);
                    assertThat(e.getMessage()).startsWith("user_id").doesNotContain(id);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n", "\u3000"})
    void refusesEmptyAndBlankIdsAsMissing(String id) {
        assertThatThrownBy(() -> Ids.require("item_id", id, 16))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.MISSING_FIELD));
    }

    @Test
    void refusesNullAsMissingAndTooLongAsInvalid() {
        assertThatThrownBy(() -> Ids.require("item_id", null, 16))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.MISSING_FIELD));
        assertThatThrownBy(() -> Ids.require("item_id", "x".repeat(17), 16))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_FIELD))
                .hasMessageContaining("17 characters");
    }
}
