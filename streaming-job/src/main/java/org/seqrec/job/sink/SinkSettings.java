package org.seqrec.job.sink;

import java.io.Serializable;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * What every Kafka sink of the job shares: the client settings (bootstrap servers included), the delivery
 * guarantee, the transaction timeout and the prefix of the transactional ids.
 */
public record SinkSettings(Properties kafkaClient, DeliveryGuarantee guarantee, Duration transactionTimeout,
        String transactionalIdPrefix) implements Serializable {}
