package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.seqrec.job.ingest.DeadLetterRecord;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.ingest.PoolChange;
import org.seqrec.job.ingest.RankRequest;
import org.seqrec.job.sequence.ScoringTask;
import org.seqrec.job.sequence.SequenceUpdate;
import org.seqrec.job.wire.EncodedRecord;

/**
 * Every type that crosses the network between the job's operators is a POJO Flink serializes without
 * Kryo, as the job's {@code pipeline.generic-types: false} requires.
 */
class NetworkTypesTest {

    static final List<Class<?>> POJOS = List.of(Interaction.class, RankRequest.class, PoolChange.class,
            DeadLetterRecord.class, SequenceUpdate.class, ScoringTask.class, EncodedRecord.class);

    @ParameterizedTest(name = "{0}")
    @FieldSource("POJOS")
    void isAPojoWithoutKryo(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }

    /** {@code Ingested<T>} is generic, so its class alone says nothing; each input's full type must hold. */
    @Test
    void everyInputsIngestedTypeIsAPojoWithoutKryo() {
        SequenceJob job = new SequenceJob(JobConfig.fromArgs(), null, null, null, null);
        SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
        noGenericTypes.setGenericTypes(false);
        for (TypeInformation<?> type : List.of(job.interactions().ingestedType(), job.rankRequests().ingestedType(),
                job.candidatePool().ingestedType())) {
            assertThat(type).isInstanceOf(PojoTypeInfo.class);
            assertThatCode(() -> type.createSerializer(noGenericTypes)).as(type.toString()).doesNotThrowAnyException();
        }
    }

    @Test
    void theJobSwitchesGenericTypesOff() {
        assertThat(new SerializerConfigImpl(FlinkDefaults.under(new Configuration(), JobConfig.fromArgs())).hasGenericTypesDisabled())
                .isTrue();
    }
}
