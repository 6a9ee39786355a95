package org.seqrec.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder that refuses strings which are not valid UTF-8 (one per thread: it keeps its buffers). Avro's own decoder turns malformed
 * bytes into U+FFFD, so two different ids on the wire could become one id in the job; here they
 * fail instead, and the record is dead-lettered. Every other read is the plain binary decoder's.
 */
final class StrictUtf8Decoder extends Decoder {

    /** Thrown for a string whose bytes are not UTF-8 (overlong forms, surrogates, stray continuation bytes). */
    static final class MalformedStringException extends IOException {
        MalformedStringException(String message) {
            super(message);
        }
    }

    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private BinaryDecoder in;

    /** Reads {@code length} bytes of {@code bytes} from {@code offset}; the decoder is reused, not reallocated. */
    StrictUtf8Decoder reset(byte[] bytes, int offset, int length) {
        in = DecoderFactory.get().binaryDecoder(bytes, offset, length, in);
        return this;
    }

    /** True once every byte of the input has been read. */
    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        Utf8 value = in.readString(old);
        checkUtf8(value);
        return value;
    }

    @Override
    public String readString() throws IOException {
        return checkUtf8(in.readString(null));
    }

    private String checkUtf8(Utf8 value) throws MalformedStringException {
        try {
            return utf8.decode(ByteBuffer.wrap(value.getBytes(), 0, value.getByteLength())).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedStringException("a string field of " + value.getByteLength()
                    + " bytes is not valid UTF-8");
        }
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void skipString() throws IOException {
        in.skipString();
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        return in.readBytes(old);
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipBytes();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return in.readArrayStart();
    }

    @Override
    public long arrayNext() throws IOException {
        return in.arrayNext();
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return in.readMapStart();
    }

    @Override
    public long mapNext() throws IOException {
        return in.mapNext();
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
