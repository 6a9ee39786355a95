package org.seqrec.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.schemas.AvroCodec;

/**
 * A feature topic as a read_committed consumer sees it, checked against the events that went in: one
 * feature record per event, and each user's last record holding that user's last N events.
 */
public final class FeatureLog {

    private final List<String> triggers = new ArrayList<>();
    private final Map<String, SequenceFeature> lastByUser = new HashMap<>();

    private FeatureLog() {}

    public static FeatureLog read(String topic) {
        FeatureLog log = new FeatureLog();
        AvroCodec<SequenceFeature> codec = AvroCodec.of(SequenceFeature.class);
        for (var record : Topics.readCommitted(topic)) {
            SequenceFeature feature = Topics.decode(codec, record.value());
            log.triggers.add(feature.getTriggerEventId());
            log.lastByUser.put(feature.getUserId(), feature);
        }
        return log;
    }

    /** Exactly one feature record per event: none missing, none duplicated. */
    public FeatureLog assertOneRecordPerEvent(List<InteractionEvent> events) {
        assertThat(triggers).as("one feature record per event").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(events.stream().map(InteractionEvent::getEventId).toList());
        return this;
    }

    /** Every user's final sequence is the last n of their events, in order, as a failure-free run keeps it. */
    public FeatureLog assertFinalSequences(List<InteractionEvent> events, int n) {
        Map<String, List<InteractionEvent>> byUser = new LinkedHashMap<>();
        events.forEach(e -> byUser.computeIfAbsent(e.getUserId(), u -> new ArrayList<>()).add(e));
        assertThat(lastByUser.keySet()).as("users with a sequence").isEqualTo(byUser.keySet());
        byUser.forEach((user, history) -> assertThat(lastByUser.get(user).getEntries())
                .extracting(entry -> entry.getItemId() + "/" + entry.getAction())
                .as("final sequence of user %s", user)
                .containsExactlyElementsOf(history.subList(Math.max(0, history.size() - n), history.size()).stream()
                        .map(e -> e.getItemId() + "/" + e.getAction()).toList()));
        return this;
    }
}
