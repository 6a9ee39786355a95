package org.seqrec.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.seqrec.avro.Action;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.ingest.RankRequest;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.job.sequence.SequenceUpdater;

/**
 * Measures the per-user sequence state representations on Flink's RocksDB backend, with the job's
 * access pattern: every event reads the whole sequence (it is emitted as a feature record), inserts
 * one entry, and evicts the oldest beyond N. Candidates: one packed value (what the job uses), a
 * {@code ListState} of entries, and a ring of entries in {@code MapState}. Single-threaded, one
 * operator, no Kafka: it isolates the state cost.
 *
 * <p>Run: {@code scripts/bench.sh state [N] [users] [eventsPerUser]}; results go to docs/benchmarks.md.
 */
public final class SequenceStateBenchmark {

    /** One entry as a Flink POJO, for the ListState and MapState variants. */
    public static class Entry {
        public String itemId;
        public Action action;
        public long eventTime;
        public String eventId;

        public Entry() {}

        Entry(Interaction e) {
            itemId = e.itemId;
            action = e.action;
            eventTime = e.eventTime;
            eventId = e.eventId;
        }
    }

    /** Appends to a list; reads it whole each event; rewrites it when it exceeds N. */
    static final class ListStateSequence extends KeyedProcessFunction<String, Interaction, Integer> {
        private final int n;
        private transient ListState<Entry> entries;

        ListStateSequence(int n) {
            this.n = n;
        }

        @Override
        public void open(OpenContext ctx) {
            entries = getRuntimeContext().getListState(new ListStateDescriptor<>("entries", Entry.class));
        }

        @Override
        public void processElement(Interaction e, Context ctx, Collector<Integer> out) throws Exception {
            List<Entry> all = new ArrayList<>();
            for (Entry entry : entries.get()) {
                if (entry.eventId.equals(e.eventId)) {
                    return;
                }
                all.add(entry);
            }
            all.add(new Entry(e));
            if (all.size() > n) {
                entries.update(all.subList(all.size() - n, all.size()));
            } else {
                entries.add(all.get(all.size() - 1));
            }
            out.collect(Math.min(all.size(), n));
        }
    }

    /** A ring of N slots in MapState plus a head/size value: O(1) writes, N point reads to emit. */
    static final class MapStateSequence extends KeyedProcessFunction<String, Interaction, Integer> {
        private final int n;
        private transient MapState<Integer, Entry> slots;
        private transient ValueState<Long> cursor;

        MapStateSequence(int n) {
            this.n = n;
        }

        @Override
        public void open(OpenContext ctx) {
            slots = getRuntimeContext().getMapState(new MapStateDescriptor<>("slots", Types.INT, Types.POJO(Entry.class)));
            cursor = getRuntimeContext().getState(new ValueStateDescriptor<>("cursor", Types.LONG));
        }

        @Override
        public void processElement(Interaction e, Context ctx, Collector<Integer> out) throws Exception {
            long count = cursor.value() == null ? 0 : cursor.value();
            int size = (int) Math.min(count, n);
            List<Entry> all = new ArrayList<>(size + 1);
            for (long i = count - size; i < count; i++) {
                Entry entry = slots.get((int) (i % n));
                if (entry.eventId.equals(e.eventId)) {
                    return;
                }
                all.add(entry);
            }
            slots.put((int) (count % n), new Entry(e));
            cursor.update(count + 1);
            out.collect(Math.min(size + 1, n));
        }
    }

    static final ConfigOption<Integer> N = ConfigOptions.key("n").intType().defaultValue(256)
            .withDescription("Longest sequence kept per user.");
    static final ConfigOption<Integer> USERS = ConfigOptions.key("users").intType().defaultValue(200);
    static final ConfigOption<Integer> EVENTS_PER_USER = ConfigOptions.key("events-per-user").intType()
            .defaultValue(1000);

    public static void main(String[] args) throws Exception {
        Configuration options = CommandLine.of("SequenceStateBenchmark", List.of(N, USERS, EVENTS_PER_USER))
                .configurationOrExit(List.of(), args);
        int n = options.get(N);
        int users = options.get(USERS);
        int perUser = options.get(EVENTS_PER_USER);
        List<Interaction> events = new ArrayList<>(users * perUser);
        for (int i = 0; i < perUser; i++) {
            for (int u = 0; u < users; u++) {
                events.add(new Interaction("e-" + u + "-" + i, "user-" + u, String.valueOf(100_000 + (i * 31 + u) % 9000),
                        Action.LIKE, 1_500_000_000_000L + i * 1000L));
            }
        }
        System.out.printf("N=%d, %d users x %d events = %,d events, RocksDB backend, one thread%n",
                n, users, perUser, events.size());
        for (int round = 0; round < 2; round++) {
            String label = round == 0 ? "warm-up" : "measured";
            report(label, "packed ValueState<byte[]> (job)", runJobOperator(n, events));
            report(label, "ListState<Entry>", run(new ListStateSequence(n), events));
            report(label, "MapState<Integer, Entry> ring", run(new MapStateSequence(n), events));
        }
        PackedSequence sample = PackedSequence.empty();
        for (int i = 0; i < n; i++) {
            sample.add(events.get(i * users), n);
        }
        System.out.printf("packed value of a full sequence: %,d bytes (%.1f bytes/entry)%n",
                sample.encode().length, sample.encode().length / (double) n);
    }

    private static void report(String label, String name, double eventsPerSecond) {
        System.out.printf("%-9s %-34s %,10.0f events/s%n", label, name, eventsPerSecond);
    }

    /** The job's own {@link SequenceUpdater}, a two-input operator (interactions and rank requests). */
    private static double runJobOperator(int n, List<Interaction> events) throws Exception {
        try (var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new SequenceUpdater(n, Duration.ofDays(30))), (Interaction e) -> e.userId,
                (RankRequest r) -> r.userId, Types.STRING)) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
            harness.open();
            long start = System.nanoTime();
            for (int i = 0; i < events.size(); i++) {
                harness.processElement1(events.get(i), events.get(i).eventTime);
                // The harness keeps every output; drop them in chunks (its queue's size() walks the queue).
                if (i % 1000 == 999) {
                    harness.getOutput().clear();
                }
            }
            return events.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static <O> double run(KeyedProcessFunction<String, Interaction, O> function, List<Interaction> events)
            throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function),
                (Interaction e) -> e.userId, Types.STRING)) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
            harness.open();
            long start = System.nanoTime();
            for (int i = 0; i < events.size(); i++) {
                harness.processElement(events.get(i), events.get(i).eventTime);
                if (i % 1000 == 999) {
                    harness.getOutput().clear();
                }
            }
            return events.size() / ((System.nanoTime() - start) / 1e9);
        }
    }
}
