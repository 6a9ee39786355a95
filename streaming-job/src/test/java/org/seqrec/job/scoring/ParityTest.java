package org.seqrec.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.seqrec.avro.Action;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.sequence.PackedSequence;

/**
 * Online/offline parity: the model-export parity file's real sequences, fed through the job's scoring
 * path (raw ids → PackedSequence → indices → padded batches → ONNX Runtime), give PyTorch's outputs.
 */
class ParityTest {

    static final List<String> ARCHITECTURES = Models.ARCHITECTURES;

    @ParameterizedTest(name = "{0}")
    @FieldSource("ARCHITECTURES")
    void shouldReproduceThePyTorchOutputsInPaddedBatches(String architecture) throws Exception {
        JsonNode parity = new ObjectMapper().readTree(Models.parity(architecture).toFile());
        double tolerance = parity.get("tolerance").asDouble();
        assertThat(tolerance).isLessThanOrEqualTo(1e-4);
        List<JsonNode> cases = new ArrayList<>();
        parity.get("cases").forEach(cases::add);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(100);

        try (RankingModel model = RankingModel.load(Models.model(architecture), Device.CPU, 1, 1)) {
            assertThat(model.metadata().architecture()).isEqualTo(architecture);
            assertThat(model.metadata().version()).isEqualTo(parity.get("model_version").asText());
            CandidateScorer scorer = new CandidateScorer(model);
            double worst = 0;
            int unknownCandidates = 0;
            for (int from = 0; from < cases.size(); from += 32) {
                List<JsonNode> batch = cases.subList(from, Math.min(cases.size(), from + 32));
                List<PackedSequence> histories = new ArrayList<>();
                List<String[]> candidates = new ArrayList<>();
                for (JsonNode c : batch) {
                    histories.add(history(c));
                    candidates.add(strings(c.get("candidate_item_ids")));
                    assertIndicesMatch(model.metadata(), c);
                    for (JsonNode index : c.get("candidate_ids")) {
                        unknownCandidates += index.asLong() == 1 ? 1 : 0;
                    }
                }
                List<CandidateScorer.Scores> scores = scorer.score(histories, candidates);
                for (int row = 0; row < batch.size(); row++) {
                    JsonNode expected = batch.get(row).get("action_probs");
                    for (int c = 0; c < expected.size(); c++) {
                        for (int a = 0; a < expected.get(c).size(); a++) {
                            double diff = Math.abs(expected.get(c).get(a).asDouble() - scores.get(row).probability(c, a));
                            worst = Math.max(worst, diff);
                        }
                    }
                }
            }
            assertThat(unknownCandidates).as("cases exercise out-of-vocabulary candidates").isPositive();
            assertThat(worst).as("max abs difference to PyTorch").isLessThanOrEqualTo(tolerance);
        }
    }

    /** The job's own index mapping gives the exact tensor rows training used. */
    private static void assertIndicesMatch(ModelMetadata metadata, JsonNode c) {
        JsonNode history = c.get("history");
        for (int j = 0; j < history.size(); j++) {
            assertThat(metadata.itemIndex(history.get(j).get("item_id").asText()))
                    .isEqualTo(c.get("item_ids").get(j).asLong());
            assertThat(metadata.actionIndex(action(history.get(j).get("action").asText())))
                    .isEqualTo(c.get("action_ids").get(j).asLong());
        }
        JsonNode raw = c.get("candidate_item_ids");
        for (int j = 0; j < raw.size(); j++) {
            assertThat(metadata.itemIndex(raw.get(j).asText())).isEqualTo(c.get("candidate_ids").get(j).asLong());
        }
    }

    private static PackedSequence history(JsonNode c) {
        PackedSequence sequence = PackedSequence.empty();
        JsonNode history = c.get("history");
        for (int j = 0; j < history.size(); j++) {
            JsonNode e = history.get(j);
            sequence.add(new Interaction("p" + j, c.get("user_id").asText(), e.get("item_id").asText(),
                    action(e.get("action").asText()), j), Integer.MAX_VALUE);
        }
        return sequence;
    }

    private static Action action(String name) {
        return Action.valueOf(name.toUpperCase(Locale.ROOT));
    }

    private static String[] strings(JsonNode array) {
        String[] out = new String[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asText();
        }
        return out;
    }
}
