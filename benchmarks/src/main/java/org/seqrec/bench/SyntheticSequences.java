package org.seqrec.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seqrec.avro.Action;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.local.MovieLens;

/**
 * Packed sequences for any number of synthetic users, shaped like ml-latest-small's: synthetic user
 * {@code u} takes the history of one real user (picked by a hash of {@code u}), that is its last
 * min(events, N) items, actions and event times, under event ids of its own. So the length distribution,
 * item ids and time gaps are MovieLens's, and no two users' values are byte-identical (the 8-byte event-id
 * hashes differ), which keeps RocksDB's block compression from seeing copies that real users would not
 * produce. Built through {@link PackedSequence#add}, the job's own code. Deterministic in {@code u}.
 */
final class SyntheticSequences {

    private final List<List<InteractionEvent>> sources;
    private final int maxLength;

    private SyntheticSequences(List<List<InteractionEvent>> sources, int maxLength) {
        if (sources.isEmpty()) {
            throw new IllegalStateException("no MovieLens user has enough events for this variant");
        }
        this.sources = sources;
        this.maxLength = maxLength;
    }

    /** Every ml-latest-small user as a source: lengths as in the data set, capped at N. */
    static SyntheticSequences movieLens(Path dir, int maxLength) {
        return new SyntheticSequences(histories(dir, maxLength, 1), maxLength);
    }

    /** Only the users with at least N events: every synthetic user holds a full sequence of N entries. */
    static SyntheticSequences full(Path dir, int maxLength) {
        return new SyntheticSequences(histories(dir, maxLength, maxLength), maxLength);
    }

    /** Each user's last {@code maxLength} events, oldest first, for users with at least {@code minEvents}. */
    private static List<List<InteractionEvent>> histories(Path dir, int maxLength, int minEvents) {
        Map<String, List<InteractionEvent>> byUser = new LinkedHashMap<>();
        for (InteractionEvent e : MovieLens.events(dir)) {
            byUser.computeIfAbsent(e.getUserId(), u -> new ArrayList<>()).add(e);
        }
        List<List<InteractionEvent>> histories = new ArrayList<>();
        for (List<InteractionEvent> events : byUser.values()) {
            if (events.size() >= minEvents) {
                histories.add(List.copyOf(events.subList(Math.max(0, events.size() - maxLength), events.size())));
            }
        }
        return histories;
    }

    static String userId(long user) {
        return Long.toString(user);
    }

    /** The user's packed sequence as the job would have stored it. */
    byte[] packed(long user) {
        return build(user).encode();
    }

    /** The same sequence after one more interaction, a minute after the newest, as an update would leave it. */
    byte[] packedAfterOneMore(long user) {
        PackedSequence sequence = build(user);
        Interaction next = new Interaction(userId(user) + "/next", userId(user), sequence.itemId(0), Action.LIKE,
                sequence.eventTime(sequence.size() - 1) + 60_000);
        sequence.add(next, maxLength);
        return sequence.encode();
    }

    /** Entries the user's sequence holds. */
    int length(long user) {
        return source(user).size();
    }

    private PackedSequence build(long user) {
        String userId = userId(user);
        PackedSequence sequence = PackedSequence.empty();
        for (InteractionEvent e : source(user)) {
            sequence.add(new Interaction(userId + "/" + e.getEventId(), userId, e.getItemId(), e.getAction(),
                    e.getEventTime().toEpochMilli()), maxLength);
        }
        return sequence;
    }

    private List<InteractionEvent> source(long user) {
        return sources.get((int) Long.remainderUnsigned(mix(user), sources.size()));
    }

    /** SplitMix64's finaliser: consecutive users pick unrelated sources. */
    private static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }
}
