package org.seqrec.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.job.sequence.SequenceUpdate;
import org.seqrec.job.sink.SequenceFeatureSerializer;
import org.seqrec.local.MovieLens;

/**
 * How many bytes the feature sink writes per accepted event: ml-latest-small through the job's own
 * sequence logic and feature serializer, the mean over all events and over those whose sequence is full.
 * Every accepted event writes one such record, so this is what the feature path's output volume is made of.
 *
 * <p>Run: {@code scripts/bench.sh feature-size [--n 256]}.
 */
public final class FeatureRecordSize {

    static final ConfigOption<Integer> N = ConfigOptions.key("n").intType().defaultValue(256)
            .withDescription("Longest sequence kept per user.");

    public static void main(String[] args) {
        int n = CommandLine.of("FeatureRecordSize", List.of(N)).configurationOrExit(List.of(), args).get(N);
        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR);
        Map<String, PackedSequence> sequences = new HashMap<>();
        SequenceFeatureSerializer serializer = new SequenceFeatureSerializer("sequence-features");
        long bytes = 0;
        long records = 0;
        long fullBytes = 0;
        long fullRecords = 0;
        for (InteractionEvent e : events) {
            PackedSequence sequence = sequences.computeIfAbsent(e.getUserId(), user -> PackedSequence.empty());
            long time = e.getEventTime().toEpochMilli();
            if (!sequence.add(new Interaction(e.getEventId(), e.getUserId(), e.getItemId(), e.getAction(), time), n)
                    .accepted()) {
                continue;
            }
            int size = serializer.encode(new SequenceUpdate(e.getUserId(), e.getEventId(), time, sequence.encode())).length;
            bytes += size;
            records++;
            if (sequence.size() == n) {
                fullBytes += size;
                fullRecords++;
            }
        }
        System.out.printf("N = %d: %,d feature records, mean %,.0f bytes; %,d with a full sequence, mean %,.0f bytes"
                + " (%.1f per entry)%n", n, records, (double) bytes / records, fullRecords,
                (double) fullBytes / fullRecords, (double) fullBytes / fullRecords / n);
    }
}
