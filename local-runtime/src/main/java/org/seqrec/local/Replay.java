package org.seqrec.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.cli.CommandLine;

/**
 * Replays MovieLens into the interactions topic of an existing broker (the Compose deployment's
 * replay service; {@link LocalRunner} does the same against a broker of its own).
 *
 * <pre>
 * Replay --bootstrap HOST:PORT [--topic interactions] [--data data/ml-latest-small]
 *        [--speed-up 1e7] [--max-rate 3000] [--limit N]
 * </pre>
 */
public final class Replay {

    public static final ConfigOption<String> BOOTSTRAP = ConfigOptions.key("bootstrap").stringType()
            .defaultValue("localhost:9092").withDescription("Kafka brokers, host:port[,host:port...].");
    public static final ConfigOption<String> TOPIC = ConfigOptions.key("topic").stringType().defaultValue("interactions")
            .withDescription("Topic the events go to, keyed by user.");
    public static final ConfigOption<String> DATA = ConfigOptions.key("data").stringType()
            .defaultValue(MovieLens.DEFAULT_DIR.toString()).withDescription("A MovieLens ml-latest-small folder.");
    public static final ConfigOption<Double> SPEED_UP = ConfigOptions.key("speed-up").doubleType().defaultValue(1e7)
            .withDescription("Event-time gaps are divided by this.");
    public static final ConfigOption<Double> MAX_RATE = ConfigOptions.key("max-rate").doubleType().defaultValue(3000.0)
            .withDescription("Events per second, at most; the slower of this and the speed-up paces the replay.");
    public static final ConfigOption<Integer> LIMIT = ConfigOptions.key("limit").intType().defaultValue(-1)
            .withDescription("Replay only the first N events; -1: all.");

    private Replay() {}

    public static void main(String[] args) throws InterruptedException {
        Configuration options = CommandLine.of("Replay", List.of(BOOTSTRAP, TOPIC, DATA, SPEED_UP, MAX_RATE, LIMIT))
                .configurationOrExit(List.of(), args);
        List<InteractionEvent> events = MovieLens.events(Path.of(options.get(DATA)));
        int limit = options.get(LIMIT);
        if (limit >= 0 && limit < events.size()) {
            events = events.subList(0, limit);
        }
        Properties kafka = new Properties();
        kafka.setProperty("bootstrap.servers", options.get(BOOTSTRAP));
        System.out.printf("[replay] %,d MovieLens events to %s at %s (speed-up %s, at most %s events/s)%n",
                events.size(), options.get(TOPIC), options.get(BOOTSTRAP), options.get(SPEED_UP),
                options.get(MAX_RATE));
        long started = System.nanoTime();
        long[] lastReport = {started};
        try (ReplayProducer replay = new ReplayProducer(kafka, options.get(TOPIC), options.get(SPEED_UP),
                options.get(MAX_RATE))) {
            long sent = replay.replay(events, count -> {
                long now = System.nanoTime();
                if (now - lastReport[0] > 5_000_000_000L) {
                    lastReport[0] = now;
                    System.out.printf("[replay] %,d events sent (%,.0f/s)%n", count, count / ((now - started) / 1e9));
                }
            });
            System.out.printf("[replay] done: %,d events in %.0f s%n", sent, (System.nanoTime() - started) / 1e9);
        }
    }
}
