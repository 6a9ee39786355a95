package org.seqrec.job.bootstrap;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.seqrec.avro.ErrorKind;
import org.seqrec.job.JobConfig;
import org.seqrec.job.SequenceJob;
import org.seqrec.job.sequence.SequenceUpdater;

/**
 * Builds the job's sequence state from historical interactions in files and writes it as a savepoint, so that a
 * new deployment starts with every user's history instead of empty sequences. A bounded batch job, parallel by
 * file while reading and by user after: each user's valid events are replayed in event-time order through the
 * job's own rules ({@link HistoryFold}) and written under the sequence operator's uid with the job's state
 * descriptor, on RocksDB, with the job's maximum parallelism. Invalid records go to a rejects file with the
 * dead-letter topic's kinds; bad input never stops it.
 *
 * <p>It ends by printing the hand-over time: the job, started from the savepoint, must read Kafka from there
 * ({@code source.starting-offsets timestamp}, {@code source.starting-timestamp <hand-over>}). Without
 * {@code bootstrap.until} that is the latest event time in the files, so events at exactly that time may come
 * from both sides; the job drops the second copy by event id.
 *
 * <pre>
 * StateBootstrap --bootstrap.input DIR_OR_FILES --bootstrap.savepoint URI [--bootstrap.until INSTANT]
 *                [--config-file job.properties] [other bootstrap.* and job options]
 * </pre>
 */
public final class StateBootstrap {

    private final BootstrapConfig config;

    public StateBootstrap(BootstrapConfig config) {
        this.config = config;
    }

    public static void main(String[] args) throws Exception {
        new StateBootstrap(BootstrapConfig.fromArgs(args))
                .run(StreamExecutionEnvironment.getExecutionEnvironment(), System.out);
    }

    /** What a finished bootstrap wrote and counted. */
    public record Result(String savepoint, String rejects, Instant handOver, Map<String, Object> counts) {
        public long count(String name) {
            return BootstrapProgress.count(counts, name);
        }
    }

    public Result run(StreamExecutionEnvironment env, PrintStream out) throws Exception {
        String savepoint = qualified(config.get(BootstrapConfig.SAVEPOINT));
        String rejects = qualified(config.rejects());
        Path savepointPath = new Path(savepoint);
        if (savepointPath.getFileSystem().exists(savepointPath)) {
            throw new IllegalArgumentException(BootstrapConfig.SAVEPOINT.key() + " " + savepoint
                    + " exists already; name a new location");
        }
        List<HistoryFile> files = HistoryFiles.plan(config.inputs());
        long totalBytes = files.stream().mapToLong(file -> file.bytes).sum();
        Instant until = config.until();
        out.printf("[bootstrap] %d files, %,.1f MB%s -> savepoint %s (N = %d, TTL %s, max parallelism %d)%n",
                files.size(), totalBytes / 1e6, until == null ? "" : ", events before " + until, savepoint,
                config.job().get(JobConfig.MAX_SEQUENCE_LENGTH), config.job().get(JobConfig.STATE_TTL),
                config.get(BootstrapConfig.MAX_PARALLELISM));

        build(env, files, until == null ? Long.MAX_VALUE : until.toEpochMilli(), savepoint, rejects);
        long started = System.nanoTime();
        JobClient client = env.executeAsync("seqrec state bootstrap");
        JobExecutionResult result = new BootstrapProgress(out, totalBytes, config.get(BootstrapConfig.PROGRESS_INTERVAL))
                .await(client, started);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        Map<String, Object> counts = result.getAllAccumulatorResults();
        long latest = BootstrapProgress.count(counts, HistoryReader.LATEST_EVENT_TIME);
        Instant handOver = until != null ? until
                : BootstrapProgress.count(counts, HistoryFold.USERS) > 0 ? Instant.ofEpochMilli(latest) : null;
        Result done = new Result(savepoint, rejects, handOver, counts);
        report(done, elapsed, out);
        return done;
    }

    private void build(StreamExecutionEnvironment env, List<HistoryFile> files, long cutMillis, String savepoint,
            String rejects) {
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        JobConfig job = config.job();
        SingleOutputStreamOperator<HistoricalEvent> events = env
                .fromData(files, TypeInformation.of(HistoryFile.class)).name("history-files")
                .rebalance()
                .process(new HistoryReader(SequenceJob.interactionValidator(job), cutMillis)).name("read-history");
        events.getSideOutput(HistoryReader.REJECTS).sinkTo(new RejectsFile(rejects))
                .name("rejects-file").setParallelism(1);
        DataStream<UserSequence> sequences = events.keyBy(event -> event.interaction.userId)
                .process(new HistoryFold(job.get(JobConfig.MAX_SEQUENCE_LENGTH))).name("fold-history");
        StateBootstrapTransformation<UserSequence> state = OperatorTransformation.bootstrapWith(sequences)
                .keyBy(user -> user.userId)
                .transform(new SequenceStateWriter(job.get(JobConfig.STATE_TTL)));
        SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(), config.get(BootstrapConfig.MAX_PARALLELISM))
                .withOperator(OperatorIdentifier.forUid(SequenceUpdater.UID), state)
                .write(savepoint);
    }

    /** Absolute and with its scheme, so that the printed savepoint path works from any directory. */
    private static String qualified(String path) throws IOException {
        Path p = new Path(path);
        return p.makeQualified(p.getFileSystem()).toString();
    }

    private static void report(Result done, Duration elapsed, PrintStream out) {
        double seconds = Math.max(1e-3, elapsed.toNanos() / 1e9);
        long records = done.count(HistoryReader.RECORDS);
        long users = done.count(HistoryFold.USERS);
        out.printf("[bootstrap] done in %s: %,d records read, %,d rejected, %,d at or after the hand-over left for"
                        + " Kafka%n", BootstrapProgress.clock(elapsed), records, done.count(HistoryReader.REJECTED),
                done.count(HistoryReader.AFTER_CUT));
        for (ErrorKind kind : ErrorKind.values()) {
            long rejected = done.count(HistoryReader.REJECTED_PREFIX + kind.name());
            if (rejected > 0) {
                out.printf("[bootstrap]   rejected %s: %,d%n", kind, rejected);
            }
        }
        out.printf("[bootstrap] %,d users, %,d events replayed (%,d kept in order, %,d duplicates, %,d too old):"
                        + " %,.0f records/s, %,.0f users/s%n", users, done.count(HistoryFold.FOLDED),
                done.count(HistoryFold.ACCEPTED), done.count(HistoryFold.DUPLICATES), done.count(HistoryFold.TOO_OLD),
                records / seconds, users / seconds);
        out.printf("[bootstrap] savepoint: %s%n[bootstrap] rejects:   %s%n", done.savepoint(), done.rejects());
        if (done.handOver() == null) {
            out.println("[bootstrap] no valid event in the files: the savepoint holds no sequence; start the job"
                    + " without it");
            return;
        }
        out.printf("[bootstrap] hand-over: %s. Start the job from the savepoint reading Kafka from there:%n"
                        + "  flink run -s %s <job jar> ... --source.starting-offsets timestamp"
                        + " --source.starting-timestamp %s%n",
                done.handOver(), done.savepoint(), done.handOver());
    }
}
