package org.seqrec.testing;

import java.util.HashMap;
import java.util.Map;
import org.seqrec.job.JobConfig;
import org.seqrec.local.KafkaBroker;

/** Fresh topics for one job under test, created on a broker (the shared one by default), and the job settings. */
public record JobTopics(KafkaBroker broker, String interactions, String requests, String pool, String features,
        String recommendations, String deadLetters) {

    public static JobTopics create() {
        return create(SharedKafka.broker());
    }

    public static JobTopics create(KafkaBroker broker) {
        JobTopics topics = new JobTopics(broker, Topics.unique("interactions"),
                Topics.unique("rank-requests"), Topics.unique("pool"), Topics.unique("features"),
                Topics.unique("recommendations"), Topics.unique("dead-letters"));
        broker.createTopics(2, topics.interactions, topics.requests, topics.pool, topics.features,
                topics.recommendations, topics.deadLetters);
        return topics;
    }

    /**
     * Job settings: the broker (with its client security settings passed through as {@code kafka.client.*}),
     * these topics from the earliest offsets, a unique transactional id.
     */
    public Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>(Map.of(
                "kafka.bootstrap-servers", broker.bootstrapServers(),
                "topic.interactions", interactions, "topic.rank-requests", requests, "topic.candidates", pool,
                "topic.features", features, "topic.recommendations", recommendations,
                "topic.dead-letters", deadLetters, "source.starting-offsets", "earliest"));
        settings.put("sink.transactional-id-prefix", Topics.unique("tx"));
        broker.clientSecurity().forEach((key, value) -> settings.put(JobConfig.KAFKA_CLIENT_PREFIX + key, value));
        return settings;
    }
}
