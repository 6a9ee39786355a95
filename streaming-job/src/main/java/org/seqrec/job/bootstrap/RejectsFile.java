package org.seqrec.job.bootstrap;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Writes rejected historical records to one CSV file ({@code file,position,error_kind,message,record}, fields
 * quoted), created even when nothing is rejected so that an empty file says so. Runs as a single writer:
 * rejects are the exception, and one file is what a person opens.
 */
public final class RejectsFile implements Sink<Rejected> {

    private static final long serialVersionUID = 1L;

    public static final String HEADER = "file,position,error_kind,message,record";

    private final String path;

    public RejectsFile(String path) {
        this.path = path;
    }

    @Override
    public SinkWriter<Rejected> createWriter(WriterInitContext context) throws IOException {
        Path file = new Path(path);
        Writer out = new BufferedWriter(new OutputStreamWriter(
                file.getFileSystem().create(file, FileSystem.WriteMode.OVERWRITE), StandardCharsets.UTF_8));
        out.write(HEADER + "\n");
        return new SinkWriter<>() {
            @Override
            public void write(Rejected rejected, Context ctx) throws IOException {
                out.write(quote(rejected.file) + "," + rejected.position + "," + rejected.errorKind + ","
                        + quote(rejected.message) + "," + quote(rejected.record) + "\n");
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    static String quote(String field) {
        return "\"" + (field == null ? "" : field.replace("\"", "\"\"")) + "\"";
    }
}
