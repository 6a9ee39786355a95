package org.seqrec.schemas;

import org.seqrec.avro.ErrorKind;

/** A payload that is not a readable message of the expected type, with the dead-letter kind. */
public final class DecodeException extends Exception {

    private final ErrorKind kind;

    public DecodeException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DecodeException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
