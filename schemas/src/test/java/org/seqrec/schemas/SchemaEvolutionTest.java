package org.seqrec.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every payload schema reads everything its published versions wrote, and the newest published
 * version is the current schema, so a change cannot ship without being recorded in the history.
 */
class SchemaEvolutionTest {

    static List<Schema> topLevelSchemas() {
        return ProjectSchemas.TOP_LEVEL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topLevelSchemas")
    void currentSchemaIsTheNewestPublishedVersion(Schema current) {
        List<Schema> history = SchemaHistory.versions(current.getName());
        assertThat(history)
                .as("history/%s/v1.avsc .. vK.avsc must exist", current.getName())
                .isNotEmpty();
        Schema newest = history.get(history.size() - 1);
        assertThat(SchemaNormalization.toParsingForm(newest))
                .as("%s changed: publish it as history/%s/v%d.avsc", current.getName(), current.getName(),
                        history.size() + 1)
                .isEqualTo(SchemaNormalization.toParsingForm(current));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topLevelSchemas")
    void currentSchemaReadsEveryPublishedVersion(Schema current) {
        for (Schema previous : SchemaHistory.versions(current.getName())) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
            assertThat(result.getType())
                    .as("%s cannot read data written with an earlier version: %s", current.getName(),
                            result.getResult().getIncompatibilities())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void theCheckRejectsARequiredFieldAddedWithoutDefault() {
        Schema v1 = SchemaHistory.versions("InteractionEvent").get(0);
        Schema broken = new Schema.Parser().parse(v1.toString().replace(
                "\"fields\":[", "\"fields\":[{\"name\":\"session_id\",\"type\":\"string\"},"));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, v1).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void theCheckAcceptsAnOptionalFieldAddedWithDefault() {
        Schema v1 = SchemaHistory.versions("InteractionEvent").get(0);
        Schema evolved = new Schema.Parser().parse(v1.toString().replace(
                "\"fields\":[", "\"fields\":[{\"name\":\"session_id\",\"type\":[\"null\",\"string\"],\"default\":null},"));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(evolved, v1).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
}
