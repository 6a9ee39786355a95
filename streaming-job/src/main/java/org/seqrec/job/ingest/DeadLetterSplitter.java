package org.seqrec.job.ingest;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.seqrec.avro.ErrorKind;

/**
 * Sends values on and dead letters to a side output, counting dead letters by kind in the metric
 * group {@code deadLetters} (one counter per {@link ErrorKind}).
 */
public final class DeadLetterSplitter<T> extends ProcessFunction<Ingested<T>, T> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetterRecord.class));

    private transient Map<ErrorKind, Counter> deadLettersByKind;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("deadLetters");
        deadLettersByKind = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            deadLettersByKind.put(kind, group.counter(kind.name()));
        }
    }

    @Override
    public void processElement(Ingested<T> ingested, Context ctx, Collector<T> out) {
        if (ingested.value != null) {
            out.collect(ingested.value);
        } else {
            deadLettersByKind.get(ingested.deadLetter.errorKind).inc();
            ctx.output(DEAD_LETTERS, ingested.deadLetter);
        }
    }
}
