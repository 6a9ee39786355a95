package org.seqrec.job.bootstrap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The bootstrap's input files, in input order: the inputs as given, each directory's {@code *.avro} and
 * {@code *.csv} files by name (other files, such as an exporter's {@code _SUCCESS}, are left out). Input order
 * breaks ties between events of one user with the same time, as arrival order does in the job.
 */
public final class HistoryFiles {

    private HistoryFiles() {}

    /** @throws IllegalArgumentException naming an input that does not exist or a file of no known format */
    public static List<HistoryFile> plan(List<String> inputs) throws IOException {
        List<HistoryFile> files = new ArrayList<>();
        for (String input : inputs) {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem();
            if (!fs.exists(path)) {
                throw new IllegalArgumentException("Input " + input + " does not exist");
            }
            FileStatus status = fs.getFileStatus(path);
            if (!status.isDir()) {
                HistoryFile.Format format = format(path);
                if (format == null) {
                    throw new IllegalArgumentException("Input " + input + " is neither *.avro nor *.csv");
                }
                files.add(new HistoryFile(path.toString(), files.size(), format, status.getLen()));
                continue;
            }
            FileStatus[] children = fs.listStatus(path);
            Arrays.sort(children, Comparator.comparing(child -> child.getPath().getName()));
            for (FileStatus child : children) {
                HistoryFile.Format format = child.isDir() ? null : format(child.getPath());
                if (format != null) {
                    files.add(new HistoryFile(child.getPath().toString(), files.size(), format, child.getLen()));
                }
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("No *.avro or *.csv files in " + String.join(", ", inputs));
        }
        return files;
    }

    private static HistoryFile.Format format(Path path) {
        String name = path.getName().toLowerCase(Locale.ROOT);
        if (name.startsWith("_") || name.startsWith(".")) {
            return null;
        }
        if (name.endsWith(".avro")) {
            return HistoryFile.Format.AVRO;
        }
        return name.endsWith(".csv") ? HistoryFile.Format.CSV : null;
    }
}
