package org.seqrec.testing;

import org.seqrec.local.KafkaBroker;

/** One real KRaft broker per test JVM, started on first use and stopped when the JVM exits. */
public final class SharedKafka {

    private static KafkaBroker broker;

    private SharedKafka() {}

    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            broker = KafkaBroker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "shared-kafka-stop"));
        }
        return broker;
    }
}
