package org.seqrec.local;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.PoolOp;
import org.seqrec.avro.RankingRequest;
import org.seqrec.job.JobConfig;
import org.seqrec.schemas.AvroCodec;

/** The demo's scoring traffic: publishes the candidate pool and sends ranking requests of random pool items. */
public final class DemoRequests implements AutoCloseable {
    private final JobConfig config;
    private final List<String> pool;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Random random = new Random(7);
    private final AvroCodec<RankingRequest> requests = AvroCodec.of(RankingRequest.class);
    private long asked;

    DemoRequests(JobConfig config, List<String> pool) {
        this.config = config;
        this.pool = pool;
        this.producer = new KafkaProducer<>(config.kafkaClientProperties(), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    void publishPool() {
        producer.send(new ProducerRecord<>(config.get(JobConfig.CANDIDATES_TOPIC), null, AvroCodec
                .of(CandidatePoolUpdate.class).encode(new CandidatePoolUpdate(PoolOp.ADD, pool, Instant.now()))));
        producer.flush();
    }

    void ask(String user) {
        List<String> candidates = new ArrayList<>(pool);
        Collections.shuffle(candidates, random);
        RankingRequest request = new RankingRequest("demo-" + (++asked), user,
                candidates.subList(0, Math.min(50, candidates.size())), 5, Instant.now());
        producer.send(new ProducerRecord<>(config.get(JobConfig.RANK_REQUESTS_TOPIC),
                user.getBytes(StandardCharsets.UTF_8), requests.encode(request)));
    }

    long asked() {
        return asked;
    }

    @Override
    public void close() {
        producer.close();
    }
}
