package org.seqrec.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {

    private static Map<String, String> metadata(String actionNames, String version) {
        Map<String, String> props = new HashMap<>(Map.of("architecture", "attn_mvp", "model_version", version,
                "contract_version", "1", "action_names", actionNames, "unknown_action_index", "0",
                "ranking_weights", "{\"like\": 1.0}", "max_history", "256", "item_vocab", "[\"1\", \"2\"]",
                "item_padding_index", "0"));
        props.put("item_unknown_index", "1");
        return props;
    }

    @Test
    void readsAModelWithinTheContractsBoundsOnNames() {
        ModelMetadata metadata = ModelMetadata.parse(metadata("[\"like\", \"dislike\"]", "v1"), "m.onnx");
        assertThat(metadata.actionNames()).containsExactly("like", "dislike");
        assertThat(metadata.itemIndex("2")).isEqualTo(3);
    }

    @Test
    void refusesNamesThatCouldMakeARecommendationTooLarge() {
        StringBuilder many = new StringBuilder("[\"like\"");
        for (int i = 0; i < ModelMetadata.MAX_ACTIONS; i++) {
            many.append(", \"a").append(i).append('"');
        }
        many.append(']');
        assertThatThrownBy(() -> ModelMetadata.parse(metadata(many.toString(), "v1"), "m.onnx"))
                .isInstanceOf(ModelContractException.class).hasMessageContaining("at most 16 actions");
        assertThatThrownBy(() -> ModelMetadata.parse(metadata("[\"like\"]", "v".repeat(65)), "m.onnx"))
                .isInstanceOf(ModelContractException.class).hasMessageContaining("64 characters");
    }
}
