package org.seqrec.bench;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.SharedStateRegistryImpl;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.rocksdb.RocksDB;
import org.seqrec.bench.PackedSequenceWriter.UserSequence;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.JobConfig;
import org.seqrec.job.sequence.SequenceUpdater;
import org.seqrec.local.MovieLens;

/**
 * How the job's sequence state grows with the number of users: 10 k, 100 k, 1 M and 10 M synthetic users
 * (up to a limit given as an argument), each with a MovieLens-shaped packed sequence (see
 * {@link SyntheticSequences}), written into Flink's RocksDB keyed state backend with incremental checkpoints,
 * as the job runs, through the job's own state descriptor ({@link PackedSequenceWriter}). Per user count:
 * the live SST size per user as loaded (after the checkpoint's flush) and after a full compaction; the first checkpoint (every SST file uploaded,
 * which is what a full checkpoint costs) and its duration; an incremental checkpoint after 1% of the users
 * got one more interaction; and the time to restore from that checkpoint into a fresh backend, checked
 * against two users' values. Also, up to a smaller limit, the same for full sequences of N entries.
 *
 * <p>One operator instance, one thread, one key-group range (max parallelism 128), 256 MiB of managed
 * memory for RocksDB, as a TaskManager slot of the throughput benchmark has. RocksDB files and
 * checkpoints go to {@code /tmp/seqrec/user-scale} (deleted before and after each step); a step that
 * would not fit on that disk is skipped and says so.
 *
 * <p>Run: {@code scripts/bench.sh users [maxUsers] [maxUsersFullLength] [N]} (defaults 10000000, 100000,
 * 256); the table goes to stdout and docs/benchmark-data/user-scale.csv.
 */
public final class UserScaleBenchmark {

    private static final long[] USER_COUNTS = {10_000, 100_000, 1_000_000, 10_000_000};
    private static final Path WORK = Path.of("/tmp/seqrec/user-scale");
    private static final Path CSV = Path.of("docs/benchmark-data/user-scale.csv");
    private static final long MANAGED_MEMORY = 256L << 20;
    private static final int MAX_PARALLELISM = 128;
    private static final String LIVE_SST_FILES_SIZE = "rocksdb.live-sst-files-size";
    /** Peak disk per stored byte: the RocksDB files plus their copy in the checkpoint (or in a restore), plus slack. */
    private static final double DISK_PER_VALUE_BYTE = 2.5;

    record Result(String variant, long users, double entriesPerUser, double valueBytesPerUser,
            double loadedSstBytesPerUser, double compactedSstBytesPerUser, double loadSeconds, long fullCheckpointBytes,
            double fullCheckpointSeconds, long incrementalCheckpointBytes, double incrementalCheckpointSeconds,
            double restoreSeconds) {}

    static final ConfigOption<Long> MAX_USERS = ConfigOptions.key("max-users").longType().defaultValue(10_000_000L)
            .withDescription("Most users of the MovieLens-shaped variant.");
    static final ConfigOption<Long> MAX_USERS_FULL = ConfigOptions.key("max-users-full").longType()
            .defaultValue(100_000L).withDescription("Most users of the variant whose sequences are all full.");
    static final ConfigOption<Integer> N = ConfigOptions.key("n").intType().defaultValue(256)
            .withDescription("Longest sequence kept per user.");

    public static void main(String[] args) throws Exception {
        Configuration options = CommandLine.of("UserScaleBenchmark", List.of(MAX_USERS, MAX_USERS_FULL, N))
                .configurationOrExit(List.of(), args);
        long maxUsers = options.get(MAX_USERS);
        long maxUsersFull = options.get(MAX_USERS_FULL);
        int n = options.get(N);
        Duration ttl = JobConfig.STATE_TTL.defaultValue();
        System.out.printf("N = %d, users up to %,d (full sequences up to %,d), RocksDB with incremental checkpoints,"
                + " TTL %s, work dir %s%n", n, maxUsers, maxUsersFull, ttl, WORK);

        List<Result> results = new ArrayList<>();
        runVariant("movielens", SyntheticSequences.movieLens(MovieLens.DEFAULT_DIR, n), maxUsers, ttl, results);
        runVariant("full", SyntheticSequences.full(MovieLens.DEFAULT_DIR, n), maxUsersFull, ttl, results);
        print(results);
        write(results);
    }

    private static void runVariant(String variant, SyntheticSequences sequences, long maxUsers, Duration ttl,
            List<Result> results) throws Exception {
        double bytesPerUser = sampleValueBytes(sequences);
        for (long users : USER_COUNTS) {
            if (users > maxUsers) {
                break;
            }
            deleteRecursively(WORK);
            Files.createDirectories(WORK);
            double needed = users * bytesPerUser * DISK_PER_VALUE_BYTE;
            long usable = Files.getFileStore(WORK).getUsableSpace();
            if (needed > usable) {
                System.out.printf("%s, %,d users: skipped, needs about %.1f GB of disk, %.1f GB free%n",
                        variant, users, needed / 1e9, usable / 1e9);
                break;
            }
            long start = System.nanoTime();
            Result result = measure(variant, sequences, users, ttl);
            results.add(result);
            System.out.printf("%s, %,d users: %s (%.0f s in all)%n", variant, users, result,
                    (System.nanoTime() - start) / 1e9);
            deleteRecursively(WORK);
        }
    }

    private static Result measure(String variant, SyntheticSequences sequences, long users, Duration ttl)
            throws Exception {
        long entries = 0;
        long valueBytes = 0;
        OperatorSubtaskState first;
        OperatorSubtaskState incremental;
        double loadSeconds;
        double firstSeconds;
        double incrementalSeconds;
        double loadedSst;
        double compactedSst;
        try (var harness = harness(ttl)) {
            harness.open();
            long start = System.nanoTime();
            for (long u = 0; u < users; u++) {
                byte[] packed = sequences.packed(u);
                entries += sequences.length(u);
                valueBytes += packed.length;
                harness.processElement(new UserSequence(SyntheticSequences.userId(u), packed), 0);
            }
            loadSeconds = seconds(start);

            start = System.nanoTime();
            first = harness.snapshot(1, 1);
            firstSeconds = seconds(start);
            harness.notifyOfCompletedCheckpoint(1);
            // The checkpoint flushed the memtables, so the SST files now hold every user.
            RocksDB db = rocksDb(harness);
            loadedSst = db.getAggregatedLongProperty(LIVE_SST_FILES_SIZE);

            for (long u = 0; u < users; u += 100) {
                harness.processElement(new UserSequence(SyntheticSequences.userId(u), sequences.packedAfterOneMore(u)), 0);
            }
            start = System.nanoTime();
            incremental = harness.snapshot(2, 2);
            incrementalSeconds = seconds(start);

            // RocksDB's own live-data estimate skips overlapping level-0 files (it reported a tenth of the
            // data here), so the live data is measured instead: the SST size once everything is compacted.
            ((RocksDBKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend())
                    .compactState(SequenceUpdater.sequenceDescriptor(ttl));
            compactedSst = db.getAggregatedLongProperty(LIVE_SST_FILES_SIZE);
        }

        // As the JobManager does: the second checkpoint refers to files of the first by placeholders,
        // which the shared-state registry resolves before the handle can be restored.
        SharedStateRegistryImpl registry = new SharedStateRegistryImpl();
        first.registerSharedStates(registry, 1);
        incremental.registerSharedStates(registry, 2);
        double restoreSeconds;
        try (var harness = harness(ttl)) {
            long start = System.nanoTime();
            harness.initializeState(incremental);
            harness.open();
            restoreSeconds = seconds(start);
            verify(harness, ttl, sequences);
        }
        registry.close();
        return new Result(variant, users, (double) entries / users, (double) valueBytes / users, loadedSst / users,
                compactedSst / users, loadSeconds, first.getStateSize(), firstSeconds, incremental.getCheckpointedSize(),
                incrementalSeconds, restoreSeconds);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, UserSequence, Void> harness(Duration ttl)
            throws Exception {
        EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend(true);
        backend.setDbStoragePath(WORK.resolve("rocksdb").toString());
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PackedSequenceWriter(ttl)),
                UserSequence::userId, Types.STRING, new MockEnvironmentBuilder().setManagedMemorySize(MANAGED_MEMORY)
                        .setMaxParallelism(MAX_PARALLELISM).build());
        harness.setStateBackend(backend);
        harness.setCheckpointStorage(new FileSystemCheckpointStorage(WORK.resolve("checkpoints").toUri()));
        return harness;
    }

    /** The restored state holds user 1's value as written and user 0's as updated (every 100th user was). */
    private static void verify(KeyedOneInputStreamOperatorTestHarness<String, UserSequence, Void> harness, Duration ttl,
            SyntheticSequences sequences) throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        ValueState<byte[]> state = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                SequenceUpdater.sequenceDescriptor(ttl));
        backend.setCurrentKey(SyntheticSequences.userId(1));
        boolean writtenOk = Arrays.equals(state.value(), sequences.packed(1));
        backend.setCurrentKey(SyntheticSequences.userId(0));
        boolean updatedOk = Arrays.equals(state.value(), sequences.packedAfterOneMore(0));
        if (!writtenOk || !updatedOk) {
            throw new IllegalStateException("restored state differs from what was written (user 1: " + writtenOk
                    + ", user 0 after its update: " + updatedOk + ")");
        }
    }

    /** RocksDBKeyedStateBackend keeps its RocksDB handle to itself; the size properties are read through it. */
    private static RocksDB rocksDb(KeyedOneInputStreamOperatorTestHarness<String, UserSequence, Void> harness)
            throws ReflectiveOperationException {
        Field db = RocksDBKeyedStateBackend.class.getDeclaredField("db");
        db.setAccessible(true);
        return (RocksDB) db.get(harness.getOperator().getKeyedStateBackend());
    }

    private static double sampleValueBytes(SyntheticSequences sequences) {
        long bytes = 0;
        for (long u = 0; u < 1000; u++) {
            bytes += sequences.packed(u).length;
        }
        return bytes / 1000.0;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void print(List<Result> results) {
        System.out.println();
        System.out.println("| variant | users | entries/user | value B/user | SST B/user loaded | SST B/user compacted | load s"
                + " | full checkpoint MB | s | incremental (1%) MB | s | restore s |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Result r : results) {
            System.out.printf("| %s | %,d | %.1f | %,.0f | %,.0f | %,.0f | %.1f | %,.1f | %.2f | %,.1f | %.2f | %.2f |%n",
                    r.variant, r.users, r.entriesPerUser, r.valueBytesPerUser, r.loadedSstBytesPerUser,
                    r.compactedSstBytesPerUser, r.loadSeconds, r.fullCheckpointBytes / 1e6, r.fullCheckpointSeconds,
                    r.incrementalCheckpointBytes / 1e6, r.incrementalCheckpointSeconds, r.restoreSeconds);
        }
    }

    private static void write(List<Result> results) throws IOException {
        Csv csv = new Csv("variant", "users", "entries_per_user", "value_bytes_per_user", "loaded_sst_bytes_per_user",
                "compacted_sst_bytes_per_user", "load_s", "full_checkpoint_bytes", "full_checkpoint_s",
                "incremental_checkpoint_bytes", "incremental_checkpoint_s", "restore_s");
        for (Result r : results) {
            csv.row(r.variant, r.users, r.entriesPerUser, r.valueBytesPerUser, r.loadedSstBytesPerUser,
                    r.compactedSstBytesPerUser, r.loadSeconds, r.fullCheckpointBytes, r.fullCheckpointSeconds,
                    r.incrementalCheckpointBytes, r.incrementalCheckpointSeconds, r.restoreSeconds);
        }
        csv.write(CSV);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
