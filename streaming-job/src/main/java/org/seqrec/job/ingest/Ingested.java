package org.seqrec.job.ingest;

/**
 * What a source produced from one Kafka record: exactly one of a usable {@code value} or a
 * {@code deadLetter} (a Flink POJO, so both travel through the same stream).
 */
public class Ingested<T> {
    public T value;
    public DeadLetterRecord deadLetter;

    public Ingested() {}

    public static <T> Ingested<T> of(T value) {
        Ingested<T> ingested = new Ingested<>();
        ingested.value = value;
        return ingested;
    }

    public static <T> Ingested<T> rejected(DeadLetterRecord deadLetter) {
        Ingested<T> ingested = new Ingested<>();
        ingested.deadLetter = deadLetter;
        return ingested;
    }
}
