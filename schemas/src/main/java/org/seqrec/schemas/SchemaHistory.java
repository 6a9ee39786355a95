package org.seqrec.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Every published version of a record schema, kept as {@code history/<Name>/v<k>.avsc} on the
 * classpath (k = 1, 2, ... with no gaps). Decoders register all of them, so a message written with
 * an older version is still read, resolved to the current schema.
 */
public final class SchemaHistory {

    static final String ROOT = "/org/seqrec/schemas/history/";

    private SchemaHistory() {}

    /** All versions of the named record, oldest first; empty if none were published. */
    public static List<Schema> versions(String recordName) {
        List<Schema> versions = new ArrayList<>();
        for (int k = 1; ; k++) {
            String path = ROOT + recordName + "/v" + k + ".avsc";
            try (InputStream in = SchemaHistory.class.getResourceAsStream(path)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema history file " + path, e);
            }
        }
    }
}
