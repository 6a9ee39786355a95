package org.seqrec.job.sequence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.seqrec.avro.Action;
import org.seqrec.avro.SequenceEntry;
import org.seqrec.job.ingest.Interaction;

/**
 * One user's most recent interactions, oldest first and ordered by event time, with a compact binary
 * form that is stored as a single RocksDB value (see docs/architecture.md for why a packed value
 * rather than {@code ListState} or {@code MapState}).
 *
 * <p>Binary form, column by column: a format byte; the entry count (varint); event times as
 * non-negative varint deltas from the previous entry (the first from zero); action ordinals, one
 * byte each; 64-bit hashes of the event ids; item ids as varint length + UTF-8. Action ordinals are
 * stored, so {@link Action} symbols may only ever be appended.
 */
public final class PackedSequence {

    /** What {@link #add} did with an interaction. */
    public enum Outcome {
        /** Appended after every kept entry. */
        APPENDED,
        /** Inserted before newer entries: it arrived out of order but is among the newest N. */
        INSERTED_OUT_OF_ORDER,
        /** Its event id is already in the sequence. */
        DUPLICATE,
        /** The sequence is full and the event is older than its oldest entry. */
        TOO_OLD;

        public boolean accepted() {
            return this == APPENDED || this == INSERTED_OUT_OF_ORDER;
        }
    }

    private static final byte FORMAT = 1;
    private static final Action[] ACTIONS = Action.values();

    private long[] eventTimes;
    private byte[] actions;
    private long[] eventIdHashes;
    private String[] itemIds;
    private int size;

    private PackedSequence(int capacity) {
        eventTimes = new long[capacity];
        actions = new byte[capacity];
        eventIdHashes = new long[capacity];
        itemIds = new String[capacity];
    }

    public static PackedSequence empty() {
        return new PackedSequence(8);
    }

    public int size() {
        return size;
    }

    public String itemId(int i) {
        return itemIds[i];
    }

    public Action action(int i) {
        return ACTIONS[actions[i]];
    }

    public long eventTime(int i) {
        return eventTimes[i];
    }

    /**
     * Adds the interaction in event-time order (after entries with the same time), dropping the oldest
     * entry when more than {@code maxLength} remain. The sequence is unchanged unless the outcome is
     * {@linkplain Outcome#accepted() accepted}.
     */
    public Outcome add(Interaction event, int maxLength) {
        long idHash = hash(event.eventId);
        for (int i = 0; i < size; i++) {
            if (eventIdHashes[i] == idHash) {
                return Outcome.DUPLICATE;
            }
        }
        if (size >= maxLength && event.eventTime < eventTimes[0]) {
            return Outcome.TOO_OLD;
        }
        int at = size;
        while (at > 0 && eventTimes[at - 1] > event.eventTime) {
            at--;
        }
        ensureCapacity(size + 1);
        shiftRight(at);
        eventTimes[at] = event.eventTime;
        actions[at] = (byte) event.action.ordinal();
        eventIdHashes[at] = idHash;
        itemIds[at] = event.itemId;
        size++;
        Outcome outcome = at == size - 1 ? Outcome.APPENDED : Outcome.INSERTED_OUT_OF_ORDER;
        if (size > maxLength) {
            dropOldest(size - maxLength);
        }
        return outcome;
    }

    /** The entries, oldest first, as the feature record carries them. */
    public List<SequenceEntry> toAvro() {
        List<SequenceEntry> entries = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            entries.add(new SequenceEntry(itemIds[i], action(i), Instant.ofEpochMilli(eventTimes[i])));
        }
        return entries;
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(16 + size * 20);
        out.write(FORMAT);
        out.writeVarLong(size);
        long previous = 0;
        for (int i = 0; i < size; i++) {
            out.writeVarLong(eventTimes[i] - previous);
            previous = eventTimes[i];
        }
        for (int i = 0; i < size; i++) {
            out.write(actions[i]);
        }
        for (int i = 0; i < size; i++) {
            out.writeLong(eventIdHashes[i]);
        }
        for (int i = 0; i < size; i++) {
            byte[] utf8 = itemIds[i].getBytes(StandardCharsets.UTF_8);
            out.writeVarLong(utf8.length);
            out.write(utf8);
        }
        return out.toByteArray();
    }

    /** Reads the binary form; {@code null} (no state yet) gives an empty sequence. */
    public static PackedSequence decode(byte[] bytes) {
        if (bytes == null) {
            return empty();
        }
        ByteReader in = new ByteReader(bytes);
        byte format = in.read();
        if (format != FORMAT) {
            throw new IllegalStateException("Unknown sequence state format " + format);
        }
        int size = (int) in.readVarLong();
        PackedSequence sequence = new PackedSequence(Math.max(8, size + 1));
        long time = 0;
        for (int i = 0; i < size; i++) {
            time += in.readVarLong();
            sequence.eventTimes[i] = time;
        }
        for (int i = 0; i < size; i++) {
            sequence.actions[i] = in.read();
        }
        for (int i = 0; i < size; i++) {
            sequence.eventIdHashes[i] = in.readLong();
        }
        for (int i = 0; i < size; i++) {
            int length = (int) in.readVarLong();
            sequence.itemIds[i] = new String(bytes, in.position(), length, StandardCharsets.UTF_8);
            in.skip(length);
        }
        sequence.size = size;
        return sequence;
    }

    /** 64-bit FNV-1a over the id's UTF-16 code units: collisions among N kept ids are negligible. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            h ^= c & 0xFF;
            h *= 0x100000001b3L;
            h ^= c >>> 8;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private void ensureCapacity(int needed) {
        if (needed <= eventTimes.length) {
            return;
        }
        int capacity = Math.max(needed, eventTimes.length * 2);
        eventTimes = Arrays.copyOf(eventTimes, capacity);
        actions = Arrays.copyOf(actions, capacity);
        eventIdHashes = Arrays.copyOf(eventIdHashes, capacity);
        itemIds = Arrays.copyOf(itemIds, capacity);
    }

    private void shiftRight(int from) {
        int count = size - from;
        System.arraycopy(eventTimes, from, eventTimes, from + 1, count);
        System.arraycopy(actions, from, actions, from + 1, count);
        System.arraycopy(eventIdHashes, from, eventIdHashes, from + 1, count);
        System.arraycopy(itemIds, from, itemIds, from + 1, count);
    }

    private void dropOldest(int count) {
        size -= count;
        System.arraycopy(eventTimes, count, eventTimes, 0, size);
        System.arraycopy(actions, count, actions, 0, size);
        System.arraycopy(eventIdHashes, count, eventIdHashes, 0, size);
        System.arraycopy(itemIds, count, itemIds, 0, size);
        Arrays.fill(itemIds, size, size + count, null);
    }

    private static final class ByteWriter {
        private byte[] buffer;
        private int position;

        ByteWriter(int capacity) {
            buffer = new byte[capacity];
        }

        void write(byte b) {
            ensure(1);
            buffer[position++] = b;
        }

        void write(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buffer, position, bytes.length);
            position += bytes.length;
        }

        void writeLong(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[position++] = (byte) (v >>> shift);
            }
        }

        void writeVarLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buffer[position++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buffer[position++] = (byte) v;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, position);
        }

        private void ensure(int more) {
            if (position + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + more));
            }
        }
    }

    private static final class ByteReader {
        private final byte[] bytes;
        private int position;

        ByteReader(byte[] bytes) {
            this.bytes = bytes;
        }

        byte read() {
            return bytes[position++];
        }

        long readLong() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (bytes[position++] & 0xFF);
            }
            return v;
        }

        long readVarLong() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = bytes[position++];
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
        }

        int position() {
            return position;
        }

        void skip(int n) {
            position += n;
        }
    }
}
