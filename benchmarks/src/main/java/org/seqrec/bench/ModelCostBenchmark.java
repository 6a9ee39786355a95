package org.seqrec.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.scoring.Device;
import org.seqrec.job.scoring.RankingModel;
import org.seqrec.job.scoring.ScoringBatch;

/**
 * Measures what one ONNX call costs for each architecture, through the job's own path: the model is
 * loaded with {@link RankingModel#load} on the chosen device as the job loads it, and each call is
 * {@link RankingModel#score} on a {@link ScoringBatch} (tensor creation and output copy included). Inputs
 * are random valid item and action indices with full histories of N events and C candidates per user.
 * Architectures are measured in turn within every cell, so background load on a shared machine falls on
 * all three alike. On the CPU, the ceiling is ONNX Runtime's own float32 matrix multiply on this CPU.
 *
 * <p>Run: {@code scripts/bench.sh models [maxSecondsPerCall] [modelsDir] [--device cpu|cuda]} (defaults 5,
 * model-export/models, cpu); {@code scripts/bench.sh gpu} is the same with {@code --device cuda}, which fails
 * at the first model load, with what is missing, where CUDA cannot be used. Tables go to stdout (for
 * docs/benchmarks.md), every measured or skipped cell to docs/benchmark-data/model-cost.csv.
 */
public final class ModelCostBenchmark {

    private static final List<String> ARCHITECTURES = List.of("attn_mvp", "attn_lfa", "interleaved");
    private static final int[] HISTORY = {64, 256, 1024};
    private static final int[] CANDIDATES = {1, 100, 500};
    private static final int[] BATCH = {1, 32, 256};
    private static final Cell TARGET = new Cell(256, 100, 64);
    /**
     * The graphs compute dense B x H x L x L attention scores, and ONNX Runtime keeps several such tensors
     * (three sessions that had each run 0.65-0.81 GB of scores held 10.7 GB between them); beyond this the
     * cell is skipped to stay within a shared machine's memory.
     */
    private static final double MAX_SCORE_BYTES = 512.0 * (1 << 20);
    private static final double MIN_MEASURE_SECONDS = 0.5;
    private static final int MIN_CALLS = 3;
    private static final int WARM_UP_CALLS = 2;
    private static final int TARGET_ROUNDS = 5;
    private static final Path CSV = Path.of("docs/benchmark-data/model-cost.csv");

    record Cell(int n, int c, int b) {}

    /** The shapes that decide the cost, from the ONNX file's {@code hyperparameters} metadata. */
    record Shape(int dModel, int layers, int heads, int mlpRatio, int numItems, int numActions, int maxHistory) {}

    /** A median latency, or why the cell was not run. */
    record Timing(double ms, String skipped) {
        static Timing skip(String why) {
            return new Timing(Double.NaN, why);
        }

        boolean ran() {
            return skipped == null;
        }
    }

    static final ConfigOption<Double> MAX_SECONDS_PER_CALL = ConfigOptions.key("max-seconds-per-call").doubleType()
            .defaultValue(5.0).withDescription("Cells whose call would take longer are skipped.");
    static final ConfigOption<String> MODELS = ConfigOptions.key("models").stringType()
            .defaultValue("model-export/models").withDescription("Folder of the three exported models.");
    static final ConfigOption<Device> DEVICE = ConfigOptions.key("device").enumType(Device.class)
            .defaultValue(Device.CPU).withDescription("cpu or cuda.");

    public static void main(String[] args) throws Exception {
        Configuration options = CommandLine.of("ModelCostBenchmark", List.of(MAX_SECONDS_PER_CALL, MODELS, DEVICE))
                .configurationOrExit(List.of(), args);
        Device device = options.get(DEVICE);
        double maxSecondsPerCall = options.get(MAX_SECONDS_PER_CALL);
        Path models = Path.of(options.get(MODELS));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (String arch : ARCHITECTURES) {
            shapes.put(arch, shape(env, models.resolve(arch + ".onnx")));
        }
        System.out.printf("ONNX Runtime %s, device %s, %d processors, Java %s; max %.1f s per call%n%n",
                env.getVersion(), device, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                maxSecondsPerCall);

        Map<Cell, Map<String, Timing>> grid = new LinkedHashMap<>();
        Map<String, Timing> previousB = new HashMap<>();
        for (int n : HISTORY) {
            for (int c : CANDIDATES) {
                for (int b : BATCH) {
                    Cell cell = new Cell(n, c, b);
                    Map<String, Timing> row = new LinkedHashMap<>();
                    for (String arch : ARCHITECTURES) {
                        Shape shape = shapes.get(arch);
                        Timing smaller = b == BATCH[0] ? null : previousB.get(arch);
                        Timing t = skipReason(arch, shape, cell, smaller, maxSecondsPerCall);
                        if (t == null) {
                            t = measure(models, device, arch, batch(shape, cell, new Random(cell.hashCode())), maxSecondsPerCall);
                        }
                        row.put(arch, t);
                        previousB.put(arch, t);
                        System.err.printf("%s %s: %s%n", cell, arch, t.ran() ? fmt(t.ms) + " ms" : t.skipped);
                    }
                    grid.put(cell, row);
                }
            }
        }
        printGrid(grid);

        // The target cell, several interleaved rounds per thread count; medians over all rounds' calls.
        Map<Integer, Map<String, Timing>> target = new LinkedHashMap<>();
        for (int threads : new int[] {1, 2}) {
            Map<String, List<Double>> calls = new LinkedHashMap<>();
            for (int round = 0; round < TARGET_ROUNDS; round++) {
                for (String arch : ARCHITECTURES) {
                    ScoringBatch batch = batch(shapes.get(arch), TARGET, new Random(round));
                    calls.computeIfAbsent(arch, a -> new ArrayList<>())
                            .addAll(time(models, device, arch, threads, batch, maxSecondsPerCall));
                }
            }
            Map<String, Timing> row = new LinkedHashMap<>();
            calls.forEach((arch, ms) -> row.put(arch, new Timing(median(ms), null)));
            target.put(threads, row);
        }
        // The MatMul ceiling is the CPU's; on another device the share of it would mean nothing.
        double[] peak = device == Device.CPU ? new double[] {matMulPeak(env, 1), matMulPeak(env, 2)}
                : new double[] {Double.NaN, Double.NaN};
        printTarget(target, shapes, peak);
        writeCsv(grid, target, device);
    }

    private static Shape shape(OrtEnvironment env, Path path) throws Exception {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(path.toString(), options)) {
            JsonNode h = new ObjectMapper().readTree(session.getMetadata().getCustomMetadata().get("hyperparameters"));
            return new Shape(h.get("d_model").asInt(), h.get("n_layers").asInt(), h.get("n_heads").asInt(),
                    h.get("mlp_ratio").asInt(), h.get("num_items").asInt(), h.get("action_names").size(),
                    h.get("max_history").asInt());
        }
    }

    /** Tokens the graph runs through every layer: item tokens plus candidates, or item and action tokens. */
    private static int tokens(String arch, Cell cell) {
        return (arch.equals("interleaved") ? 2 * cell.n : cell.n) + cell.c;
    }

    /**
     * Null if the cell should run; otherwise a skip: when the same architecture at the next smaller B,
     * scaled linearly in B, predicts a call over the limit, or when the attention scores alone would not fit.
     */
    private static Timing skipReason(String arch, Shape shape, Cell cell, Timing smaller, double maxSeconds) {
        double l = tokens(arch, cell);
        double scoreBytes = (double) cell.b * shape.heads * l * l * Float.BYTES;
        if (scoreBytes > MAX_SCORE_BYTES) {
            return Timing.skip(String.format("skipped: attention scores alone %.0f MiB (> %.0f MiB)",
                    scoreBytes / (1 << 20), MAX_SCORE_BYTES / (1 << 20)));
        }
        if (smaller == null) {
            return null;
        }
        int smallerB = BATCH[Arrays.binarySearch(BATCH, cell.b) - 1];
        if (!smaller.ran()) {
            return smaller;
        }
        double estimate = smaller.ms / 1000 * cell.b / smallerB;
        return estimate > maxSeconds ? Timing.skip(String.format("skipped: > %.0f s per call (est. %.0f s)",
                maxSeconds, estimate)) : null;
    }

    /** B users with full histories of N random items and actions, and C random candidates each. */
    private static ScoringBatch batch(Shape shape, Cell cell, Random random) {
        long[][] items = new long[cell.b][cell.n];
        long[][] actions = new long[cell.b][cell.n];
        long[][] candidates = new long[cell.b][cell.c];
        // Indices 0 and 1 are padding and unknown; the vocabulary is 2 .. num_items - 1.
        for (int u = 0; u < cell.b; u++) {
            for (int j = 0; j < cell.n; j++) {
                items[u][j] = 2 + random.nextInt(shape.numItems - 2);
                actions[u][j] = random.nextInt(shape.numActions);
            }
            for (int j = 0; j < cell.c; j++) {
                candidates[u][j] = 2 + random.nextInt(shape.numItems - 2);
            }
        }
        return ScoringBatch.of(items, actions, candidates, 0);
    }

    private static Timing measure(Path models, Device device, String arch, ScoringBatch batch, double maxSeconds)
            throws OrtException {
        List<Double> ms = time(models, device, arch, 1, batch, maxSeconds);
        double median = median(ms);
        return median > maxSeconds * 1000
                ? Timing.skip(String.format("skipped: > %.0f s per call (%.1f s)", maxSeconds, median / 1000))
                : new Timing(median, null);
    }

    /**
     * Milliseconds of each measured call after the warm-up: at least 3 calls and 0.5 s, but none after
     * a call over the limit. The warm-up calls are not held to the limit: they grow ONNX Runtime's
     * memory arena and then its planned memory pattern to the batch's size, and that first touch of fresh
     * memory made a call ten times slower or more here. The model is loaded as the job loads it (sequence length 1, so
     * any N is accepted) and closed afterwards: ONNX Runtime's memory arena only grows, and a session kept
     * from a large cell would hold that memory through the rest of the run.
     */
    private static List<Double> time(Path models, Device device, String arch, int threads, ScoringBatch batch,
            double maxSeconds) throws OrtException {
        try (RankingModel model = RankingModel.load(models.resolve(arch + ".onnx"), device, threads, 1)) {
            for (int i = 0; i < WARM_UP_CALLS; i++) {
                model.score(batch);
            }
            List<Double> ms = new ArrayList<>();
            double total = 0;
            while (ms.size() < MIN_CALLS || total < MIN_MEASURE_SECONDS * 1000) {
                long start = System.nanoTime();
                model.score(batch);
                double elapsed = (System.nanoTime() - start) / 1e6;
                ms.add(elapsed);
                total += elapsed;
                if (elapsed > maxSeconds * 1000) {
                    break;
                }
            }
            return ms;
        }
    }

    /**
     * Float operations (2 per multiply-add) of one user's forward pass: the matrix multiplies of the
     * projections, the dense L x L attention and the MLP in every layer over all L tokens (the graph
     * computes every position, masked or not, and the last layer's history tokens too), AttnLFA's action
     * pooling, and the heads on the C candidates. Embedding lookups, norms, softmax and masking are not
     * counted: they are memory traffic, not multiply-adds.
     */
    static double flopsPerUser(String arch, Shape s, Cell cell) {
        double l = tokens(arch, cell);
        double d = s.dModel;
        double projections = 2 * l * d * (3 * d + d) + (arch.equals("attn_mvp") ? 2 * l * d * d : 0);
        double attention = 2 * (2 * l * l * d);
        double mlp = 2 * (2 * l * d * s.mlpRatio * d);
        double total = s.layers * (projections + attention + mlp);
        if (arch.equals("attn_lfa")) {
            total += 2 * l * d * (2 * d + d + d) + 2 * (2 * l * l * d);
        }
        return total + 2 * cell.c * d * (d + s.numActions);
    }

    /** FLOP/s of ONNX Runtime's float32 MatMul on two 2048 x 2048 matrices: the best this CPU does in practice. */
    private static double matMulPeak(OrtEnvironment env, int threads) throws OrtException {
        int size = 2048;
        FloatBuffer a = ByteBuffer.allocateDirect(size * size * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        Random random = new Random(7);
        while (a.hasRemaining()) {
            a.put(random.nextFloat());
        }
        a.rewind();
        long[] dims = {size, size};
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(matMulModel(), options);
                    OnnxTensor x = OnnxTensor.createTensor(env, a, dims)) {
                List<Double> ms = new ArrayList<>();
                double total = 0;
                for (int i = 0; i < WARM_UP_CALLS + MIN_CALLS || total < MIN_MEASURE_SECONDS * 1000; i++) {
                    long start = System.nanoTime();
                    session.run(Map.of("A", x, "B", x)).close();
                    double elapsed = (System.nanoTime() - start) / 1e6;
                    if (i >= WARM_UP_CALLS) {
                        ms.add(elapsed);
                        total += elapsed;
                    }
                }
                return 2.0 * size * size * size / (median(ms) / 1000);
            }
        }
    }

    /** ONNX ModelProto for Y = MatMul(A, B) on float32 inputs of any shape, protobuf-encoded by hand (the Java API builds no graphs). */
    private static byte[] matMulModel() {
        byte[] floatTensor = message(2, message(1, varint(1, 1))); // type { tensor_type { elem_type: FLOAT } }
        byte[] node = message(1, text(1, "A"), text(1, "B"), text(2, "Y"), text(4, "MatMul"));
        byte[] graph = message(7, node, text(2, "matmul"), message(11, text(1, "A"), floatTensor),
                message(11, text(1, "B"), floatTensor), message(12, text(1, "Y"), floatTensor));
        return concat(varint(1, 8), graph, message(8, varint(2, 17))); // ir_version 8, opset 17
    }

    private static byte[] varint(int field, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) field << 3);
        writeVarint(out, value);
        return out.toByteArray();
    }

    private static byte[] text(int field, String value) {
        return message(field, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] message(int field, byte[]... parts) {
        byte[] body = concat(parts);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) field << 3 | 2);
        writeVarint(out, body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static void printGrid(Map<Cell, Map<String, Timing>> grid) {
        System.out.println("Latency per batch (ms, median), intra-op threads = 1:");
        System.out.println();
        System.out.println("| N | C | B | AttnMVP ms | AttnLFA ms | interleaved ms | interleaved ÷ AttnMVP | interleaved ÷ AttnLFA |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        grid.forEach((cell, row) -> System.out.printf("| %d | %d | %d | %s | %s | %s | %s | %s |%n", cell.n, cell.c, cell.b,
                ms(row.get("attn_mvp")), ms(row.get("attn_lfa")), ms(row.get("interleaved")),
                ratio(row.get("interleaved"), row.get("attn_mvp")), ratio(row.get("interleaved"), row.get("attn_lfa"))));
        System.out.println();
        System.out.println("Throughput, intra-op threads = 1 (scorings/s = B·C / latency, users/s = B / latency):");
        System.out.println();
        System.out.println("| N | C | B | AttnMVP scorings/s | AttnMVP users/s | AttnLFA scorings/s | AttnLFA users/s"
                + " | interleaved scorings/s | interleaved users/s |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        grid.forEach((cell, row) -> {
            StringBuilder line = new StringBuilder(String.format("| %d | %d | %d |", cell.n, cell.c, cell.b));
            for (String arch : ARCHITECTURES) {
                Timing t = row.get(arch);
                line.append(t.ran() ? String.format(" %,.0f | %,.1f |", cell.b * cell.c * 1000 / t.ms, cell.b * 1000 / t.ms)
                        : " – | – |");
            }
            System.out.println(line);
        });
        System.out.println();
        grid.forEach((cell, row) -> row.forEach((arch, t) -> {
            if (!t.ran()) {
                System.out.printf("- N=%d C=%d B=%d %s: %s%n", cell.n, cell.c, cell.b, arch, t.skipped);
            }
        }));
        System.out.println();
    }

    private static void printTarget(Map<Integer, Map<String, Timing>> target, Map<String, Shape> shapes, double[] peak) {
        if (!Double.isNaN(peak[0])) {
            System.out.printf("Ceiling: ONNX Runtime float32 MatMul 2048 x 2048: %.1f GFLOP/s (1 thread), %.1f GFLOP/s"
                    + " (2 threads)%n%n", peak[0] / 1e9, peak[1] / 1e9);
        }
        System.out.printf("Target cell N=%d, C=%d, B=%d (%d interleaved rounds per thread count):%n%n",
                TARGET.n, TARGET.c, TARGET.b, TARGET_ROUNDS);
        System.out.println("| architecture | threads | tokens L | MFLOP per scoring | ms per batch | scorings/s | users/s"
                + " | GFLOP/s | of MatMul ceiling | ÷ AttnMVP latency |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        target.forEach((threads, row) -> row.forEach((arch, t) -> {
            double flops = flopsPerUser(arch, shapes.get(arch), TARGET) * TARGET.b;
            double seconds = t.ms / 1000;
            double ofCeiling = flops / seconds / peak[threads - 1];
            System.out.printf("| %s | %d | %d | %.2f | %s | %,.0f | %,.1f | %.1f | %s | %.2f |%n", arch, threads,
                    tokens(arch, TARGET), flops / TARGET.b / TARGET.c / 1e6, fmt(t.ms), TARGET.b * TARGET.c / seconds,
                    TARGET.b / seconds, flops / seconds / 1e9,
                    Double.isNaN(ofCeiling) ? "–" : String.format("%.0f%%", 100 * ofCeiling), t.ms / row.get("attn_mvp").ms);
        }));
        System.out.println();
        Shape s = shapes.get("attn_mvp");
        System.out.printf("Shapes from the ONNX metadata: d_model %d, %d layers, %d heads, MLP %d x d_model, %d item rows,"
                + " %d actions, trained max_history %d%n", s.dModel, s.layers, s.heads, s.mlpRatio, s.numItems,
                s.numActions, s.maxHistory);
    }

    /** Every grid cell (1 thread) and the target cell's rows, one line per architecture, skipped cells included. */
    private static void writeCsv(Map<Cell, Map<String, Timing>> grid, Map<Integer, Map<String, Timing>> target,
            Device device) throws IOException {
        Csv csv = new Csv("architecture", "N", "C", "B", "threads", "device", "ms_median", "scorings_per_s",
                "users_per_s", "skipped_reason");
        grid.forEach((cell, row) -> row.forEach((arch, t) -> csvRow(csv, arch, cell, 1, device, t)));
        target.forEach((threads, row) -> row.forEach((arch, t) -> csvRow(csv, arch, TARGET, threads, device, t)));
        csv.write(CSV);
    }

    private static void csvRow(Csv csv, String arch, Cell cell, int threads, Device device, Timing t) {
        csv.row(arch, cell.n, cell.c, cell.b, threads, device.name().toLowerCase(Locale.ROOT), t.ms,
                cell.b * cell.c * 1000 / t.ms, cell.b * 1000 / t.ms, t.skipped);
    }

    private static String ms(Timing t) {
        return t.ran() ? fmt(t.ms) : "–";
    }

    private static String ratio(Timing a, Timing b) {
        return a.ran() && b.ran() ? String.format("%.2f", a.ms / b.ms) : "–";
    }

    private static String fmt(double ms) {
        return ms < 10 ? String.format("%.2f", ms) : ms < 100 ? String.format("%.1f", ms) : String.format("%,.0f", ms);
    }
}
