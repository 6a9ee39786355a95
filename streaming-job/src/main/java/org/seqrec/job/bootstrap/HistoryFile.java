package org.seqrec.job.bootstrap;

import org.seqrec.schemas.MovieLensCsv;

/**
 * One input file of the state bootstrap (a Flink POJO): where it is, its place in the input's order (the
 * tie-break between events of one user with the same time) and its format.
 */
public class HistoryFile {

    /** Avro container files of {@code InteractionEvent}, or MovieLens-shaped CSV ({@link MovieLensCsv}). */
    public enum Format { AVRO, CSV }

    /** A Flink file system URI or local path. */
    public String path;
    public int ordinal;
    public Format format;
    public long bytes;

    public HistoryFile() {}

    public HistoryFile(String path, int ordinal, Format format, long bytes) {
        this.path = path;
        this.ordinal = ordinal;
        this.format = format;
        this.bytes = bytes;
    }
}
