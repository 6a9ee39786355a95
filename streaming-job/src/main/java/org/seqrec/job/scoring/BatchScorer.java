package org.seqrec.job.scoring;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.seqrec.avro.Recommendation;
import org.seqrec.avro.ScoredItem;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.job.sequence.ScoringTask;
import org.seqrec.job.wire.EncodedRecord;
import org.seqrec.schemas.AvroCodec;

/**
 * Micro-batches scoring work across users: tasks from any key are buffered and scored together (in ONNX
 * calls of similar shape, see {@link CandidateScorer}) when {@code batchSize} tasks are waiting, when the oldest has waited {@code deadline}, before every
 * checkpoint barrier (so no task is in flight across a checkpoint: a restore neither loses nor re-scores
 * work), and at end of input. Emits one encoded {@link Recommendation} per task.
 *
 * <p>Metrics ({@code scoring} group): {@code requests} and {@code requestsPerSecond}, {@code batches};
 * histograms {@code batchSize}, {@code queueWaitMs}, {@code inferenceMs} and {@code eventToOutputMs} (event
 * time of the request or interaction to the recommendation leaving this operator; it becomes visible to
 * read_committed readers at the next checkpoint); gauges {@code device}, {@code deviceIsCuda},
 * {@code modelArchitecture}, {@code modelVersion}, and {@code modelInfo} (always 1) whose labels
 * {@code model_architecture}, {@code model_version} and {@code device} carry the strings to reporters that
 * export numbers only, such as Prometheus.
 */
public final class BatchScorer extends AbstractStreamOperator<EncodedRecord>
        implements OneInputStreamOperator<ScoringTask, EncodedRecord>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final String modelPath;
    private final Device device;
    private final int intraOpThreads;
    private final int sequenceLength;
    private final int batchSize;
    private final long deadlineMillis;

    private transient RankingModel model;
    private transient CandidateScorer scorer;
    private transient AvroCodec<Recommendation> codec;
    private transient List<ScoringTask> buffer;
    private transient List<Long> enqueuedNanos;
    private transient boolean timerPending;
    private transient Counter requests;
    private transient Counter batches;
    private transient Histogram batchSizes;
    private transient Histogram queueWait;
    private transient Histogram inference;
    private transient Histogram eventToOutput;

    public BatchScorer(String modelPath, Device device, int intraOpThreads, int sequenceLength, int batchSize,
            Duration deadline) {
        this.modelPath = modelPath;
        this.device = device;
        this.intraOpThreads = intraOpThreads;
        this.sequenceLength = sequenceLength;
        this.batchSize = batchSize;
        this.deadlineMillis = Math.max(1, deadline.toMillis());
    }

    @Override
    public void open() throws Exception {
        super.open();
        model = SharedModels.acquire(Path.of(modelPath), device, intraOpThreads, sequenceLength);
        scorer = new CandidateScorer(model);
        codec = AvroCodec.of(Recommendation.class);
        buffer = new ArrayList<>(batchSize);
        enqueuedNanos = new ArrayList<>(batchSize);
        MetricGroup metrics = getMetricGroup().addGroup("scoring");
        requests = metrics.counter("requests");
        metrics.meter("requestsPerSecond", new MeterView(requests));
        batches = metrics.counter("batches");
        batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        queueWait = metrics.histogram("queueWaitMs", new DescriptiveStatisticsHistogram(1000));
        inference = metrics.histogram("inferenceMs", new DescriptiveStatisticsHistogram(1000));
        eventToOutput = metrics.histogram("eventToOutputMs", new DescriptiveStatisticsHistogram(1000));
        Device actual = model.device();
        ModelMetadata metadata = model.metadata();
        metrics.gauge("device", () -> actual.name().toLowerCase(Locale.ROOT));
        metrics.gauge("deviceIsCuda", () -> actual == Device.CUDA ? 1 : 0);
        metrics.gauge("modelArchitecture", metadata::architecture);
        metrics.gauge("modelVersion", metadata::version);
        metrics.addGroup("model_architecture", metadata.architecture())
                .addGroup("model_version", metadata.version())
                .addGroup("device", actual.name().toLowerCase(Locale.ROOT))
                .gauge("modelInfo", () -> 1);
    }

    @Override
    public void processElement(StreamRecord<ScoringTask> element) throws Exception {
        buffer.add(element.getValue());
        enqueuedNanos.add(System.nanoTime());
        if (buffer.size() >= batchSize) {
            flush();
        } else if (!timerPending) {
            timerPending = true;
            long due = getProcessingTimeService().getCurrentProcessingTime() + deadlineMillis;
            getProcessingTimeService().registerTimer(due, time -> {
                timerPending = false;
                flush();
            });
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    private void flush() throws Exception {
        if (buffer.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        for (long enqueued : enqueuedNanos) {
            queueWait.update((start - enqueued) / 1_000_000);
        }
        List<PackedSequence> histories = new ArrayList<>(buffer.size());
        List<String[]> candidates = new ArrayList<>(buffer.size());
        for (ScoringTask task : buffer) {
            histories.add(PackedSequence.decode(task.packedSequence));
            candidates.add(task.candidateItemIds);
        }
        List<CandidateScorer.Scores> results = scorer.score(histories, candidates);
        inference.update((System.nanoTime() - start) / 1_000_000);
        batchSizes.update(buffer.size());
        batches.inc();
        long now = System.currentTimeMillis();
        for (int i = 0; i < buffer.size(); i++) {
            ScoringTask task = buffer.get(i);
            Recommendation recommendation = recommendation(task, histories.get(i), results.get(i), now);
            output.collect(new StreamRecord<>(new EncodedRecord(EncodedRecord.key(task.userId),
                    codec.encode(recommendation)), task.eventTime));
            eventToOutput.update(now - task.eventTime);
        }
        requests.inc(buffer.size());
        buffer.clear();
        enqueuedNanos.clear();
    }

    private Recommendation recommendation(ScoringTask task, PackedSequence history, CandidateScorer.Scores scores,
            long now) {
        ModelMetadata metadata = scorer.metadata();
        List<ScoredItem> items = new ArrayList<>(task.k);
        for (int c : scores.topK(task.k)) {
            Map<String, Float> probabilities = new HashMap<>();
            for (int a = 0; a < metadata.numActions(); a++) {
                probabilities.put(metadata.actionNames().get(a), scores.probability(c, a));
            }
            items.add(new ScoredItem(task.candidateItemIds[c], scores.rankingScores()[c], probabilities));
        }
        return Recommendation.newBuilder()
                .setUserId(task.userId).setRequestId(task.requestId).setTriggerEventId(task.triggerEventId)
                .setItems(items)
                .setModelArchitecture(metadata.architecture()).setModelVersion(metadata.version())
                .setHistoryLength(Math.min(history.size(), metadata.maxHistory()))
                .setEventTime(Instant.ofEpochMilli(task.eventTime)).setProducedTime(Instant.ofEpochMilli(now))
                .build();
    }

    @Override
    public void close() throws Exception {
        if (model != null) {
            SharedModels.release(model);
            model = null;
        }
        super.close();
    }
}
