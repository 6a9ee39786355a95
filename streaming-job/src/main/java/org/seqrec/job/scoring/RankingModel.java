package org.seqrec.job.scoring;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exported ranker loaded into ONNX Runtime and checked against the model contract: the file's bytes
 * against its checksum, the four inputs and one output with the contract's names, types and ranks, and
 * complete metadata. Thread-safe (ONNX Runtime sessions may be run concurrently); shared per JVM through
 * {@link SharedModels}.
 */
public final class RankingModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RankingModel.class);

    static final Map<String, OnnxJavaType> INPUTS = Map.of(
            "item_ids", OnnxJavaType.INT64, "action_ids", OnnxJavaType.INT64,
            "history_mask", OnnxJavaType.BOOL, "candidate_ids", OnnxJavaType.INT64);
    static final String OUTPUT = "action_probs";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelMetadata metadata;
    private final Device device;

    private RankingModel(OrtEnvironment env, OrtSession session, ModelMetadata metadata, Device device) {
        this.env = env;
        this.session = session;
        this.metadata = metadata;
        this.device = device;
    }

    /**
     * Loads and validates a model.
     *
     * @param requestedDevice CPU, CUDA (fails if CUDA cannot be used) or AUTO (CUDA, else CPU)
     * @param sequenceLength the job's N; the model must have been trained for histories at least as long
     * @throws ModelContractException if the file is missing, unreadable, not ONNX, fails its checksum, or breaks
     *     the contract
     * @throws IllegalStateException if CUDA was required and cannot be used
     */
    public static RankingModel load(Path path, Device requestedDevice, int intraOpThreads, int sequenceLength) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ModelContractException("Model file " + path.toAbsolutePath() + " does not exist or is not readable;"
                    + " set scoring.model-path to an .onnx file exported by model-export (default: "
                    + "model-export/models/attn_mvp.onnx, relative to the working directory)");
        }
        // ONNX Runtime gets the bytes that are verified, not the path: the file may change between two reads.
        byte[] file;
        try {
            file = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ModelContractException("Cannot read model file " + path.toAbsolutePath() + ": " + e, e);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Device device = requestedDevice;
        OrtSession session;
        try {
            if (requestedDevice == Device.CPU) {
                session = createSession(env, file, intraOpThreads, false);
            } else {
                try {
                    session = createSession(env, file, intraOpThreads, true);
                    device = Device.CUDA;
                } catch (OrtException | LinkageError e) {
                    if (requestedDevice == Device.CUDA) {
                        throw new IllegalStateException("scoring.device is 'cuda' but ONNX Runtime's CUDA execution provider"
                                + " cannot be used here: " + e.getMessage() + ". A CUDA TaskManager needs an NVIDIA GPU,"
                                + " the onnxruntime_gpu jar in Flink's lib/ and the CUDA 12 runtime libraries (cudart,"
                                + " cuBLAS/cuBLASLt, cuRAND, cuFFT, cuDNN 9) on its library path; or set scoring.device"
                                + " to 'auto' or 'cpu'.", e);
                    }
                    LOG.warn("CUDA execution provider not usable ({}); scoring on CPU", e.getMessage());
                    session = createSession(env, file, intraOpThreads, false);
                    device = Device.CPU;
                }
            }
        } catch (OrtException e) {
            throw new ModelContractException("ONNX Runtime cannot load " + path + " (" + e.getMessage()
                    + "); is it a complete ONNX file exported by model-export? Copy or export it again", e);
        }
        try {
            ModelChecksum.verify(file, session.getMetadata().getCustomMetadata().get(ModelChecksum.KEY), path.toString());
            ModelMetadata metadata = validate(session, path, sequenceLength);
            LOG.info("Loaded model {} ({} {}) on {}", path, metadata.architecture(), metadata.version(), device);
            return new RankingModel(env, session, metadata, device);
        } catch (RuntimeException | OrtException e) {
            closeQuietly(session);
            if (e instanceof ModelContractException contract) {
                throw contract;
            }
            throw new ModelContractException("Cannot read the signature of " + path + ": " + e.getMessage(), e);
        }
    }

    private static OrtSession createSession(OrtEnvironment env, byte[] file, int threads, boolean cuda)
            throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (cuda) {
                options.addCUDA(0);
            }
            return env.createSession(file, options);
        }
    }

    private static ModelMetadata validate(OrtSession session, Path path, int sequenceLength) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        for (var expected : INPUTS.entrySet()) {
            NodeInfo input = inputs.get(expected.getKey());
            if (input == null || !(input.getInfo() instanceof TensorInfo tensor)) {
                throw new ModelContractException(path + " has no tensor input '" + expected.getKey() + "' (its inputs: "
                        + inputs.keySet() + "); the contract needs " + INPUTS.keySet() + ". Re-export it with model-export");
            }
            if (tensor.type != expected.getValue() || tensor.getShape().length != 2) {
                throw new ModelContractException(path + " input '" + expected.getKey() + "' is " + tensor.type + " of rank "
                        + tensor.getShape().length + "; the contract needs " + expected.getValue() + " [B, N or C]");
            }
        }
        if (inputs.size() != INPUTS.size()) {
            throw new ModelContractException(path + " has inputs " + inputs.keySet() + "; the contract has exactly "
                    + INPUTS.keySet());
        }
        NodeInfo output = session.getOutputInfo().get(OUTPUT);
        if (output == null || !(output.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT
                || tensor.getShape().length != 3) {
            throw new ModelContractException(path + " has no float32 [B, C, A] output '" + OUTPUT + "' (its outputs: "
                    + session.getOutputInfo().keySet() + "). Re-export it with model-export");
        }
        ModelMetadata metadata = ModelMetadata.parse(session.getMetadata().getCustomMetadata(), path.toString());
        long actions = tensor.getShape()[2];
        if (actions > 0 && actions != metadata.numActions()) {
            throw new ModelContractException(path + " outputs " + actions + " actions but its metadata names "
                    + metadata.actionNames());
        }
        if (metadata.maxHistory() < sequenceLength) {
            throw new ModelContractException(path + " was trained for histories of at most " + metadata.maxHistory()
                    + " events but sequence.max-length is " + sequenceLength + ": lower sequence.max-length to "
                    + metadata.maxHistory() + " or less, or export a model with max_history >= " + sequenceLength);
        }
        return metadata;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** The device the session actually runs on (never AUTO). */
    public Device device() {
        return device;
    }

    /** Runs one batch; returns action probabilities flattened as [B][C][A]. */
    public float[] score(ScoringBatch batch) throws OrtException {
        long[] historyShape = {batch.size(), batch.historyLength()};
        long[] candidateShape = {batch.size(), batch.candidates()};
        try (OnnxTensor items = OnnxTensor.createTensor(env, batch.itemIds(), historyShape);
                OnnxTensor actions = OnnxTensor.createTensor(env, batch.actionIds(), historyShape);
                OnnxTensor mask = OnnxTensor.createTensor(env, batch.historyMask(), historyShape, OnnxJavaType.BOOL);
                OnnxTensor candidates = OnnxTensor.createTensor(env, batch.candidateIds(), candidateShape);
                OrtSession.Result result = session.run(Map.of("item_ids", items, "action_ids", actions,
                        "history_mask", mask, "candidate_ids", candidates), Set.of(OUTPUT))) {
            // By name: the contract fixes the output's name, not its position among the model's outputs.
            FloatBuffer probs = ((OnnxTensor) result.get(OUTPUT).orElseThrow()).getFloatBuffer();
            float[] out = new float[probs.remaining()];
            probs.get(out);
            return out;
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("Closing the ONNX Runtime session failed: {}", e.getMessage());
        }
    }
}
