package org.seqrec.job.bootstrap;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.ingest.InteractionValidator;
import org.seqrec.job.ingest.ValidationException;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.schemas.DecodeException;
import org.seqrec.schemas.MovieLensCsv;

/**
 * Reads one historical file per element and validates every record with the job's own {@link InteractionValidator}.
 * Valid events before the cut go on with their place in the input; every other record goes to {@link #REJECTS}
 * with its dead-letter kind. Bad input never fails the task: a file that cannot be read at all, or an Avro file
 * whose block does not decode, is one reject and the reader moves on.
 *
 * <p>Accumulators (see {@link BootstrapProgress}): records, bytes, rejects by kind, events at or after the cut,
 * and the latest valid event time.
 */
public final class HistoryReader extends ProcessFunction<HistoryFile, HistoricalEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Rejected> REJECTS = new OutputTag<>("rejects", TypeInformation.of(Rejected.class));

    static final String RECORDS = "records";
    static final String BYTES = "bytes";
    static final String REJECTED = "rejected";
    static final String REJECTED_PREFIX = "rejected.";
    static final String AFTER_CUT = "after-cut";
    static final String LATEST_EVENT_TIME = "latest-event-time";

    private static final int REPORT_EVERY = 10_000;

    private final InteractionValidator validator;
    private final long cutMillis;

    private transient LongCounter records;
    private transient LongCounter bytes;
    private transient LongCounter rejected;
    private transient Map<ErrorKind, LongCounter> rejectedByKind;
    private transient LongCounter afterCut;
    private transient LongMaximum latestEventTime;

    /** {@code cutMillis}: events at or after it are left for Kafka ({@code Long.MAX_VALUE}: no cut). */
    public HistoryReader(InteractionValidator validator, long cutMillis) {
        this.validator = validator;
        this.cutMillis = cutMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        AvroCodec.requireAllocationLimits();
        records = getRuntimeContext().getLongCounter(RECORDS);
        bytes = getRuntimeContext().getLongCounter(BYTES);
        rejected = getRuntimeContext().getLongCounter(REJECTED);
        rejectedByKind = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            rejectedByKind.put(kind, getRuntimeContext().getLongCounter(REJECTED_PREFIX + kind.name()));
        }
        afterCut = getRuntimeContext().getLongCounter(AFTER_CUT);
        latestEventTime = new LongMaximum(Long.MIN_VALUE);
        getRuntimeContext().addAccumulator(LATEST_EVENT_TIME, latestEventTime);
    }

    @Override
    public void processElement(HistoryFile file, Context ctx, Collector<HistoricalEvent> out) throws IOException {
        Path path = new Path(file.path);
        try (CountingStream in = new CountingStream(path.getFileSystem().open(path))) {
            if (file.format == HistoryFile.Format.AVRO) {
                readAvro(file, in, ctx, out);
            } else {
                readCsv(file, in, ctx, out);
            }
            bytes.add(in.unreported());
        }
    }

    private void readAvro(HistoryFile file, CountingStream in, Context ctx, Collector<HistoricalEvent> out) {
        DataFileStream<InteractionEvent> avro;
        try {
            avro = new DataFileStream<>(in, new SpecificDatumReader<>(InteractionEvent.class));
        } catch (IOException | RuntimeException e) {
            reject(ctx, file, 0, ErrorKind.NOT_AVRO, "not an Avro container file: " + e.getMessage(), "");
            return;
        }
        String recordType = avro.getSchema().getFullName();
        if (!recordType.equals(InteractionEvent.getClassSchema().getFullName())) {
            reject(ctx, file, 0, ErrorKind.WRONG_RECORD_TYPE, "the file holds " + recordType + " records, not "
                    + InteractionEvent.getClassSchema().getFullName(), "");
            return;
        }
        long position = 0;
        while (true) {
            InteractionEvent event;
            try {
                if (!avro.hasNext()) {
                    return;
                }
                event = avro.next();
            } catch (RuntimeException e) {
                // Avro reports a damaged block as AvroRuntimeException, garbage inside one as almost anything.
                reject(ctx, file, position + 1, ErrorKind.CORRUPT_PAYLOAD, "the file does not decode from record "
                        + (position + 1) + " on, the rest of it is skipped: " + e.getMessage(), "");
                return;
            }
            position++;
            accept(event, null, file, position, in, ctx, out);
        }
    }

    private void readCsv(HistoryFile file, CountingStream in, Context ctx, Collector<HistoricalEvent> out)
            throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = lines.readLine();
        MovieLensCsv csv;
        try {
            csv = MovieLensCsv.forHeader(header);
        } catch (IllegalArgumentException e) {
            reject(ctx, file, 1, ErrorKind.CORRUPT_PAYLOAD, "the file is skipped: " + e.getMessage(),
                    header == null ? "" : header);
            return;
        }
        long position = 1;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            position++;
            if (line.isBlank()) {
                continue;
            }
            try {
                accept(csv.event(line), line, file, position, in, ctx, out);
            } catch (DecodeException e) {
                records.add(1);
                reject(ctx, file, position, e.kind(), e.getMessage(), line);
            }
        }
    }

    private void accept(InteractionEvent event, String text, HistoryFile file, long position, CountingStream in,
            Context ctx, Collector<HistoricalEvent> out) {
        records.add(1);
        if (position % REPORT_EVERY == 0) {
            bytes.add(in.unreported());
        }
        Interaction interaction;
        try {
            interaction = validator.validate(event);
        } catch (ValidationException e) {
            // An Avro record is written out as text only when it is rejected.
            reject(ctx, file, position, e.kind(), e.getMessage(), text != null ? text : event.toString());
            return;
        }
        if (interaction.eventTime >= cutMillis) {
            afterCut.add(1);
            return;
        }
        latestEventTime.add(interaction.eventTime);
        out.collect(new HistoricalEvent(interaction, file.ordinal, position));
    }

    private void reject(Context ctx, HistoryFile file, long position, ErrorKind kind, String message, String record) {
        rejected.add(1);
        rejectedByKind.get(kind).add(1);
        ctx.output(REJECTS, new Rejected(file.path, position, kind, message, record));
    }

    /** Counts the bytes read, so that progress can be told against the input's total size. */
    private static final class CountingStream extends FilterInputStream {
        private long count;
        private long reported;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long unreported() {
            long delta = count - reported;
            reported = count;
            return delta;
        }
    }
}
