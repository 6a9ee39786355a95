package org.seqrec.local;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.seqrec.avro.InteractionEvent;

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

    private Replay() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = new HashMap<>(Map.of("bootstrap", "localhost:9092", "topic", "interactions",
                "data", MovieLens.DEFAULT_DIR.toString(), "speed-up", "1e7", "max-rate", "3000", "limit", "-1"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            String key = args[i].replaceFirst("^--", "");
            if (!options.containsKey(key)) {
                System.err.println("Unknown option --" + key + "; known: " + options.keySet());
                System.exit(2);
            }
            options.put(key, args[i + 1]);
        }
        List<InteractionEvent> events = MovieLens.events(Path.of(options.get("data")));
        int limit = Integer.parseInt(options.get("limit"));
        if (limit >= 0 && limit < events.size()) {
            events = events.subList(0, limit);
        }
        Properties kafka = new Properties();
        kafka.setProperty("bootstrap.servers", options.get("bootstrap"));
        System.out.printf("[replay] %,d MovieLens events to %s at %s (speed-up %s, at most %s events/s)%n",
                events.size(), options.get("topic"), options.get("bootstrap"), options.get("speed-up"),
                options.get("max-rate"));
        long started = System.nanoTime();
        long[] lastReport = {started};
        try (ReplayProducer replay = new ReplayProducer(kafka, options.get("topic"),
                Double.parseDouble(options.get("speed-up")), Double.parseDouble(options.get("max-rate")))) {
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
