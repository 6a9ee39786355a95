package org.seqrec.job.scoring;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One ONNX Runtime session per model, device and thread setting per JVM (a TaskManager process),
 * shared by all the slots that score with it, and closed when the last of them lets go. The session
 * must live in a class loaded once per JVM for sharing to reach across jobs; inside one job it is
 * shared by the job's subtasks either way.
 */
public final class SharedModels {

    private record Key(Path path, Device device, int threads, int sequenceLength) {}

    private static final class Entry {
        final RankingModel model;
        int users;

        Entry(RankingModel model) {
            this.model = model;
        }
    }

    private static final Map<Key, Entry> MODELS = new HashMap<>();

    private SharedModels() {}

    /** The shared model, loading it on first use; pair every call with {@link #release}. */
    public static synchronized RankingModel acquire(Path path, Device device, int threads, int sequenceLength) {
        Key key = new Key(path.toAbsolutePath().normalize(), device, threads, sequenceLength);
        Entry entry = MODELS.get(key);
        if (entry == null) {
            entry = new Entry(RankingModel.load(key.path(), device, threads, sequenceLength));
            MODELS.put(key, entry);
        }
        entry.users++;
        return entry.model;
    }

    public static synchronized void release(RankingModel model) {
        var it = MODELS.entrySet().iterator();
        while (it.hasNext()) {
            Entry entry = it.next().getValue();
            if (entry.model == model && --entry.users == 0) {
                entry.model.close();
                it.remove();
            }
        }
    }
}
