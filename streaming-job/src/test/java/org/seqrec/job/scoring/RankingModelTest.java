package org.seqrec.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.seqrec.avro.Action;

/** Loading a model checks it against the contract; each broken rule stops start-up with what to fix. */
class RankingModelTest {

    static final List<String> ARCHITECTURES = Models.ARCHITECTURES;
    private static final Path FIXTURES = Path.of("src", "test", "resources", "models");

    @ParameterizedTest(name = "{0}")
    @FieldSource("ARCHITECTURES")
    void everyShippedArchitectureMeetsTheContract(String architecture) {
        try (RankingModel model = RankingModel.load(Models.model(architecture), Device.CPU, 1, 256)) {
            ModelMetadata metadata = model.metadata();
            assertThat(metadata.architecture()).isEqualTo(architecture);
            assertThat(metadata.actionNames()).containsExactly("dislike", "neutral", "like", "tag");
            assertThat(metadata.maxHistory()).isGreaterThanOrEqualTo(256);
            assertThat(metadata.actionIndex(Action.LIKE)).isEqualTo(2);
            assertThat(metadata.actionIndex(Action.SHARE)).as("actions the model never saw").isEqualTo(4);
            assertThat(metadata.itemIndex("no-such-movie")).isEqualTo(1);
            assertThat(metadata.itemIndex("1")).isGreaterThan(1);
            assertThat(model.device()).isEqualTo(Device.CPU);
        }
    }

    @Test
    void theFixtureThatBreaksNothingLoads() {
        try (RankingModel model = RankingModel.load(FIXTURES.resolve("valid.onnx"), Device.CPU, 1, 256)) {
            assertThat(model.metadata().itemIndex("20")).isEqualTo(3);
        }
    }

    @Test
    void theScoresAreReadFromTheOutputNamedActionProbsWhereverItIsListed() throws Exception {
        ScoringBatch batch = ScoringBatch.of(new long[][] {{2, 3}}, new long[][] {{0, 0}}, new long[][] {{2, 3, 1}}, 0);
        float[] expected;
        try (RankingModel valid = load("valid.onnx")) {
            expected = valid.score(batch);
        }
        try (RankingModel model = load("extra_output_first.onnx")) {
            float[] scores = model.score(batch);
            assertThat(scores).containsExactly(expected);
            for (float p : scores) {
                assertThat(p).as("a probability, not the extra output's negated one").isBetween(0f, 1f);
            }
        }
    }

    @Test
    void aMissingFileSaysWhichOptionToSet(@TempDir Path dir) {
        assertThatThrownBy(() -> RankingModel.load(dir.resolve("nope.onnx"), Device.CPU, 1, 256))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("does not exist or is not readable")
                .hasMessageContaining("scoring.model-path");
    }

    @Test
    void aFileThatIsNotOnnxIsRefused(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage.onnx");
        byte[] bytes = new byte[4096];
        new Random(3).nextBytes(bytes);
        Files.write(garbage, bytes);
        assertThatThrownBy(() -> RankingModel.load(garbage, Device.CPU, 1, 256))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("ONNX Runtime cannot load");
    }

    @Test
    void wrongInputsOutputsOrMetadataAreEachNamed() {
        assertThatThrownBy(() -> load("wrong_input.onnx")).isInstanceOf(ModelContractException.class)
                .hasMessageContaining("no tensor input 'history_mask'");
        assertThatThrownBy(() -> load("wrong_output.onnx")).isInstanceOf(ModelContractException.class)
                .hasMessageContaining("no float32 [B, C, A] output 'action_probs'");
        assertThatThrownBy(() -> load("int_output.onnx")).isInstanceOf(ModelContractException.class)
                .hasMessageContaining("output 'action_probs'");
        assertThatThrownBy(() -> load("no_metadata.onnx")).isInstanceOf(ModelContractException.class)
                .hasMessageContaining("has no 'architecture' metadata entry");
        assertThatThrownBy(() -> load("unknown_architecture.onnx")).isInstanceOf(ModelContractException.class)
                .hasMessageContaining("architecture 'transformer_xl'");
    }

    @Test
    void aFileWithOneWeightByteChangedAfterExportIsRefusedWithBothDigests() {
        assertThatThrownBy(() -> load("flipped_weight.onnx")).isInstanceOf(ModelContractException.class)
                .hasMessageContaining("flipped_weight.onnx is corrupt or was changed after export")
                .hasMessageMatching("(?s).*metadata says sha256 [0-9a-f]{64} but its content hashes to [0-9a-f]{64}.*")
                .hasMessageContaining("Copy the file again")
                .hasMessageContaining("re-export it");
    }

    @Test
    void aShippedModelWithAnyByteFlippedIsRefused(@TempDir Path dir) throws Exception {
        byte[] bytes = Files.readAllBytes(Models.model("attn_mvp"));
        bytes[bytes.length / 2] ^= 1; // inside the item embedding, the bulk of the file: still a loadable model
        Path copy = Files.write(dir.resolve("attn_mvp.onnx"), bytes);
        assertThatThrownBy(() -> RankingModel.load(copy, Device.CPU, 1, 256))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("is corrupt or was changed after export");
    }

    @Test
    void aModelWithoutAChecksumIsRefusedWithHowToReexport() {
        assertThatThrownBy(() -> load("no_checksum.onnx")).isInstanceOf(ModelContractException.class)
                .hasMessageContaining("no_checksum.onnx has no 'sha256' metadata entry")
                .hasMessageContaining("re-export it with model-export");
    }

    @Test
    void aModelTrainedOnShorterHistoriesThanNIsRefused() {
        assertThatThrownBy(() -> RankingModel.load(Models.model("attn_mvp"), Device.CPU, 1, 100_000))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("sequence.max-length is 100000");
    }

    @Test
    void cudaWithoutAUsableGpuFailsClearlyAndAutoFallsBackToCpu() {
        if (Files.exists(Path.of("/dev/nvidia0"))) {
            try (RankingModel model = RankingModel.load(FIXTURES.resolve("valid.onnx"), Device.AUTO, 1, 256)) {
                assertThat(model.device()).as("auto on a GPU machine").isEqualTo(Device.CUDA);
            }
            return;
        }
        assertThatThrownBy(() -> RankingModel.load(FIXTURES.resolve("valid.onnx"), Device.CUDA, 1, 256))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("scoring.device is 'cuda'")
                .hasMessageContaining("CUDA 12 runtime libraries");
        try (RankingModel model = RankingModel.load(FIXTURES.resolve("valid.onnx"), Device.AUTO, 1, 256)) {
            assertThat(model.device()).isEqualTo(Device.CPU);
        }
    }

    private static RankingModel load(String fixture) {
        return RankingModel.load(FIXTURES.resolve(fixture), Device.CPU, 1, 256);
    }
}
