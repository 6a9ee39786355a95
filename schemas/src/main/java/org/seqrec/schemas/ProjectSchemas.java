package org.seqrec.schemas;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.avro.Recommendation;
import org.seqrec.avro.SequenceFeature;

/** The top-level records this project puts on Kafka, and which of them a fingerprint names. */
public final class ProjectSchemas {

    /** Every Kafka payload type, in no particular order. */
    public static final List<Schema> TOP_LEVEL =
            List.of(
                    InteractionEvent.getClassSchema(),
                    RankingRequest.getClassSchema(),
                    CandidatePoolUpdate.getClassSchema(),
                    SequenceFeature.getClassSchema(),
                    Recommendation.getClassSchema(),
                    DeadLetter.getClassSchema());

    private static final Map<Long, Schema> BY_FINGERPRINT = indexByFingerprint();

    private ProjectSchemas() {}

    /** The project schema (current or any published version) with this 64-bit parsing fingerprint. */
    public static Optional<Schema> byFingerprint(long fingerprint) {
        return Optional.ofNullable(BY_FINGERPRINT.get(fingerprint));
    }

    private static Map<Long, Schema> indexByFingerprint() {
        Map<Long, Schema> index = new HashMap<>();
        for (Schema current : TOP_LEVEL) {
            for (Schema version : SchemaHistory.versions(current.getName())) {
                index.put(SchemaNormalization.parsingFingerprint64(version), current);
            }
            index.put(SchemaNormalization.parsingFingerprint64(current), current);
        }
        return Map.copyOf(index);
    }
}
