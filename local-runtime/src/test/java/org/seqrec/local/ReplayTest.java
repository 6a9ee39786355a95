package org.seqrec.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.SharedKafka;
import org.seqrec.testing.Topics;

class ReplayTest {

    @Test
    void shouldReplayTheFirstEventsIntoAnExistingBrokerKeyedByUser() throws Exception {
        String topic = Topics.unique("replay");
        SharedKafka.broker().createTopics(2, topic);
        Replay.main(new String[] {"--bootstrap", SharedKafka.broker().bootstrapServers(), "--topic", topic,
                "--data", MovieLens.DEFAULT_DIR_FROM_MODULE.toString(), "--limit", "500", "--max-rate", "100000"});
        var records = Topics.readCommitted(topic);
        assertThat(records).hasSize(500);
        AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
        for (var record : records) {
            InteractionEvent event = Topics.decode(codec, record.value());
            assertThat(new String(record.key())).isEqualTo(event.getUserId());
            assertThat(record.timestamp()).isEqualTo(event.getEventTime().toEpochMilli());
        }
    }
}
