package org.seqrec.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * What the deployable jar holds: the job and what it bundles, never the local runtime, the benchmarks,
 * test code, the Kafka broker or what a Flink cluster provides. Runs in the integration-test phase
 * (failsafe), after the jar is built.
 */
class JobJarIT {

    static final Path JOB_JAR = Path.of("target", "seqrec-job-0.1.0-SNAPSHOT.jar");

    @Test
    void shouldHoldTheJobAndNothingThatIsTestOnlyDemoOnlyOrProvided() throws Exception {
        List<String> entries;
        try (JarFile jar = new JarFile(JOB_JAR.toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
        }
        assertThat(entries).contains("org/seqrec/job/SequenceJob.class", "org/seqrec/avro/InteractionEvent.class",
                "org/apache/flink/connector/kafka/source/KafkaSource.class");
        assertThat(entries).as("local runtime, benchmarks and test helpers stay out of the job jar")
                .noneMatch(n -> n.startsWith("org/seqrec/local/") || n.startsWith("org/seqrec/bench/")
                        || n.startsWith("org/seqrec/testing/") || n.startsWith("org/seqrec/cluster/"));
        assertThat(entries).as("the Kafka broker (kafka_2.13) and Scala are never bundled")
                .noneMatch(n -> n.startsWith("kafka/") && n.endsWith(".class") || n.startsWith("scala/"));
        assertThat(entries).as("ONNX Runtime belongs in Flink's lib/, Flink itself on the cluster")
                .noneMatch(n -> n.startsWith("ai/onnxruntime/") || n.startsWith("org/apache/flink/runtime/")
                        || n.startsWith("org/apache/flink/streaming/api/environment/"));
        assertThat(entries).as("no test framework").noneMatch(n -> n.startsWith("org/junit/") || n.startsWith("org/assertj/"));
    }
}
