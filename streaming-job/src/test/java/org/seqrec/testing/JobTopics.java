package org.seqrec.testing;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.job.JobConfig;
import org.seqrec.local.KafkaBroker;
import org.seqrec.schemas.AvroCodec;

/** Fresh topics for one job under test, created on a broker (the shared one by default), and the job settings. */
public record JobTopics(KafkaBroker broker, String interactions, String requests, String pool, String features,
        String recommendations, String deadLetters) {

    public static JobTopics create() {
        return create(SharedKafka.broker());
    }

    public static JobTopics create(KafkaBroker broker) {
        return create(broker, 2);
    }

    public static JobTopics create(KafkaBroker broker, int partitions) {
        JobTopics topics = new JobTopics(broker, Topics.unique("interactions"),
                Topics.unique("rank-requests"), Topics.unique("pool"), Topics.unique("features"),
                Topics.unique("recommendations"), Topics.unique("dead-letters"));
        broker.createTopics(partitions, topics.interactions, topics.requests, topics.pool, topics.features,
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

    /** Sends the events, and a ranking request ({@code <phase>-<index>}) for the acting user after every 1,000th. */
    public void produce(KafkaProducer<byte[], byte[]> producer, List<InteractionEvent> events, String phase) {
        AvroCodec<InteractionEvent> eventCodec = AvroCodec.of(InteractionEvent.class);
        AvroCodec<RankingRequest> requestCodec = AvroCodec.of(RankingRequest.class);
        for (int i = 0; i < events.size(); i++) {
            InteractionEvent event = events.get(i);
            Topics.send(producer, interactions, event.getUserId(), eventCodec.encode(event));
            if (i % 1000 == 999) {
                Topics.send(producer, requests, event.getUserId(), requestCodec.encode(new RankingRequest(
                        phase + "-" + i, event.getUserId(), List.of("1", "50", "318"), 2, Instant.now())));
            }
        }
        producer.flush();
    }
}
