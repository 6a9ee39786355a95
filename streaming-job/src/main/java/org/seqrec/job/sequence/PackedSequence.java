package org.seqrec.job.sequence;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.seqrec.avro.Action;
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
    // Item ids stay UTF-8 slices of the array they were decoded from: most entries only travel from
    // state to state and to the feature record, so they never need to become Strings.
    private byte[][] itemSources;
    private int[] itemOffsets;
    private int[] itemLengths;
    private int size;

    private PackedSequence(int capacity) {
        eventTimes = new long[capacity];
        actions = new byte[capacity];
        eventIdHashes = new long[capacity];
        itemSources = new byte[capacity][];
        itemOffsets = new int[capacity];
        itemLengths = new int[capacity];
    }

    public static PackedSequence empty() {
        return new PackedSequence(8);
    }

    public int size() {
        return size;
    }

    public String itemId(int i) {
        return new String(itemSources[i], itemOffsets[i], itemLengths[i], StandardCharsets.UTF_8);
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
        byte[] item = event.itemId.getBytes(StandardCharsets.UTF_8);
        itemSources[at] = item;
        itemOffsets[at] = 0;
        itemLengths[at] = item.length;
        size++;
        Outcome outcome = at == size - 1 ? Outcome.APPENDED : Outcome.INSERTED_OUT_OF_ORDER;
        if (size > maxLength) {
            dropOldest(size - maxLength);
        }
        return outcome;
    }

    public byte[] encode() {
        int length = 1 + varLongSize(size) + size * (1 + Long.BYTES);
        long previous = 0;
        for (int i = 0; i < size; i++) {
            length += varLongSize(eventTimes[i] - previous) + varLongSize(itemLengths[i]) + itemLengths[i];
            previous = eventTimes[i];
        }
        ByteWriter out = new ByteWriter(length);
        out.write(FORMAT);
        out.writeVarLong(size);
        previous = 0;
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
            out.writeVarLong(itemLengths[i]);
            out.write(itemSources[i], itemOffsets[i], itemLengths[i]);
        }
        return out.bytes();
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
            sequence.itemSources[i] = bytes;
            sequence.itemOffsets[i] = in.position();
            sequence.itemLengths[i] = length;
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
        itemSources = Arrays.copyOf(itemSources, capacity);
        itemOffsets = Arrays.copyOf(itemOffsets, capacity);
        itemLengths = Arrays.copyOf(itemLengths, capacity);
    }

    private void shiftRight(int from) {
        int count = size - from;
        System.arraycopy(eventTimes, from, eventTimes, from + 1, count);
        System.arraycopy(actions, from, actions, from + 1, count);
        System.arraycopy(eventIdHashes, from, eventIdHashes, from + 1, count);
        System.arraycopy(itemSources, from, itemSources, from + 1, count);
        System.arraycopy(itemOffsets, from, itemOffsets, from + 1, count);
        System.arraycopy(itemLengths, from, itemLengths, from + 1, count);
    }

    private void dropOldest(int count) {
        size -= count;
        System.arraycopy(eventTimes, count, eventTimes, 0, size);
        System.arraycopy(actions, count, actions, 0, size);
        System.arraycopy(eventIdHashes, count, eventIdHashes, 0, size);
        System.arraycopy(itemSources, count, itemSources, 0, size);
        System.arraycopy(itemOffsets, count, itemOffsets, 0, size);
        System.arraycopy(itemLengths, count, itemLengths, 0, size);
        Arrays.fill(itemSources, size, size + count, null);
    }

    private static int varLongSize(long v) {
        int bytes = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            bytes++;
        }
        return bytes;
    }

    /**
     * Reads the entries of a packed sequence in place, oldest first, without decoding it: item ids stay
     * UTF-8 slices of the packed bytes. For readers that only pass the entries on, such as the feature
     * record's serializer, which runs for every accepted event.
     */
    public static final class ColumnReader {
        private final byte[] packed;
        private final int size;
        private final ByteReader times;
        private final ByteReader items;
        private final int actionsAt;
        private int index = -1;
        private long eventTime;
        private int itemOffset;
        private int itemLength;

        public ColumnReader(byte[] packed) {
            this.packed = packed;
            times = new ByteReader(packed);
            if (times.read() != FORMAT) {
                throw new IllegalStateException("Unknown sequence state format " + packed[0]);
            }
            size = (int) times.readVarLong();
            items = new ByteReader(packed);
            items.skip(times.position());
            for (int i = 0; i < size; i++) {
                items.readVarLong();
            }
            actionsAt = items.position();
            items.skip(size + size * Long.BYTES);
        }

        public int size() {
            return size;
        }

        /** Moves to the next entry (the first on the first call); false after the last. */
        public boolean next() {
            if (index + 1 >= size) {
                return false;
            }
            index++;
            eventTime += times.readVarLong();
            itemLength = (int) items.readVarLong();
            itemOffset = items.position();
            items.skip(itemLength);
            return true;
        }

        /** The packed bytes that {@link #itemOffset()} and {@link #itemLength()} point into. */
        public byte[] bytes() {
            return packed;
        }

        public int itemOffset() {
            return itemOffset;
        }

        public int itemLength() {
            return itemLength;
        }

        /** The {@link Action}'s ordinal. */
        public int actionOrdinal() {
            return packed[actionsAt + index];
        }

        public long eventTime() {
            return eventTime;
        }
    }

    /** Writes into an array sized exactly beforehand, so encoding allocates once and copies nothing. */
    private static final class ByteWriter {
        private final byte[] buffer;
        private int position;

        ByteWriter(int length) {
            buffer = new byte[length];
        }

        void write(byte b) {
            buffer[position++] = b;
        }

        void write(byte[] bytes, int offset, int length) {
            System.arraycopy(bytes, offset, buffer, position, length);
            position += length;
        }

        void writeLong(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[position++] = (byte) (v >>> shift);
            }
        }

        void writeVarLong(long v) {
            while ((v & ~0x7FL) != 0) {
                buffer[position++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buffer[position++] = (byte) v;
        }

        byte[] bytes() {
            if (position != buffer.length) {
                throw new IllegalStateException("Packed sequence size miscounted: " + position + " of " + buffer.length);
            }
            return buffer;
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
