package org.seqrec.job.sink;

import java.io.Serializable;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * What every Kafka sink of the job shares: the client settings (bootstrap servers included), the delivery
 * guarantee, the transaction timeout, the prefix of the transactional ids, and the largest record the
 * output topics accept (the producers' {@code max.request.size} unless the client settings say otherwise).
 */
public record SinkSettings(Properties kafkaClient, DeliveryGuarantee guarantee, Duration transactionTimeout,
        String transactionalIdPrefix, int maxRecordBytes) implements Serializable {}
