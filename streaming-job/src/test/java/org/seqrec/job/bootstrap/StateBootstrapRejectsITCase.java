package org.seqrec.job.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.Action;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.schemas.MovieLensCsv;
import org.seqrec.testing.FlinkCluster;

/** Malformed historical records of every kind are counted and written with their reason; the rest is bootstrapped. */
class StateBootstrapRejectsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(InMemoryReporter.create());

    private static final String LONG_ID = "x".repeat(300);

    @Test
    void shouldRejectBadRecordsWithTheirReasonAndBootstrapTheRest(@TempDir Path dir) throws Exception {
        Path input = Files.createDirectories(dir.resolve("export"));
        Files.writeString(input.resolve("ratings.csv"), String.join("\n",
                MovieLensCsv.RATINGS_HEADER,
                "1,10,4.0,964982703",
                "1,11,3.0",
                "1,12,lots,964982704",
                "1,13,4.0,100",
                ",14,4.0,964982705",
                "1," + LONG_ID + ",4.0,964982706",
                "2,20,5.0,964982710",
                "1,15,2.0,964982701",
                "1,10,4.0,964982703") + "\n");
        writeAvro(input.resolve("history.avro").toFile(), List.of(
                event("e-1", "3", "30", 900_000_000_000L),
                event(" ", "3", "31", 900_000_001_000L),
                event("e-3", "3", "32", 900_000_002_000L),
                event("e-4", "3", "33", 900_000_002_000L)));
        Files.writeString(input.resolve("garbage.avro"), "this is not an Avro container file\n");
        writeAvro(input.resolve("requests.avro").toFile(), List.of(RankingRequest.newBuilder().setRequestId("q")
                .setUserId("3").setCandidateItemIds(List.of("1")).setK(1).setRequestTime(Instant.now()).build()));
        Files.writeString(input.resolve("_SUCCESS"), "");
        Files.writeString(input.resolve("notes.txt"), "not history");

        String savepoint = dir.resolve("savepoint").toUri().toString();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        StateBootstrap.Result result = new StateBootstrap(BootstrapConfig.fromArgs(
                "--bootstrap.input", input.toString(), "--bootstrap.savepoint", savepoint,
                "--sequence.max-length", "8"))
                .run(StreamExecutionEnvironment.getExecutionEnvironment(), new PrintStream(printed, true));

        assertThat(result.count(HistoryReader.RECORDS)).isEqualTo(13);
        assertThat(result.count(HistoryReader.REJECTED)).isEqualTo(8);
        assertThat(Map.of("CORRUPT_PAYLOAD", 1L, "INVALID_FIELD", 2L, "ABSURD_TIMESTAMP", 1L, "MISSING_FIELD", 2L,
                "NOT_AVRO", 1L, "WRONG_RECORD_TYPE", 1L)).allSatisfy((kind, count) ->
                assertThat(result.count(HistoryReader.REJECTED_PREFIX + kind)).as(kind).isEqualTo(count));

        List<String> rejects = Files.readAllLines(Path.of(result.rejects().replace("file:", "")));
        assertThat(rejects.get(0)).isEqualTo(RejectsFile.HEADER);
        assertThat(rejects.subList(1, rejects.size()))
                .map(line -> {
                    String[] row = MovieLensCsv.parseLine(line);
                    return new File(row[0]).getName() + ":" + row[1] + ":" + row[2];
                })
                .containsExactlyInAnyOrder("ratings.csv:3:CORRUPT_PAYLOAD", "ratings.csv:4:INVALID_FIELD",
                        "ratings.csv:5:ABSURD_TIMESTAMP", "ratings.csv:6:MISSING_FIELD", "ratings.csv:7:INVALID_FIELD",
                        "history.avro:2:MISSING_FIELD", "garbage.avro:0:NOT_AVRO", "requests.avro:0:WRONG_RECORD_TYPE");
        assertThat(rejects).anySatisfy(line -> assertThat(line).contains("rating 'lots' is not a number")
                .contains("1,12,lots,964982704"));

        // The duplicate of r-1-10 is dropped by the job's rule, not rejected; user 1 is in time order.
        assertThat(result.count(HistoryFold.USERS)).isEqualTo(3);
        assertThat(result.count(HistoryFold.DUPLICATES)).isEqualTo(1);
        assertThat(SavepointSequences.read(savepoint, Duration.ofDays(30))).isEqualTo(Map.of(
                "1", List.of("15/DISLIKE/964982701000", "10/LIKE/964982703000"),
                "2", List.of("20/LIKE/964982710000"),
                "3", List.of("30/LIKE/900000000000", "32/LIKE/900000002000", "33/LIKE/900000002000")));
        assertThat(result.handOver()).isEqualTo(Instant.ofEpochSecond(964982710));
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("rejected MISSING_FIELD: 2")
                .contains("--source.starting-offsets timestamp --source.starting-timestamp 2000-07-30T18:45:10Z");
    }

    private static InteractionEvent event(String id, String user, String item, long time) {
        return InteractionEvent.newBuilder().setEventId(id).setUserId(user).setItemId(item).setAction(Action.LIKE)
                .setEventTime(Instant.ofEpochMilli(time)).build();
    }

    private static <T extends SpecificRecordBase> void writeAvro(File file, List<T> records) throws IOException {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) records.get(0).getClass();
        try (DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type))) {
            writer.create(records.get(0).getSchema(), file);
            for (T record : records) {
                writer.append(record);
            }
        }
    }
}
