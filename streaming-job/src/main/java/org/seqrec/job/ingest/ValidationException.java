package org.seqrec.job.ingest;

import org.seqrec.avro.ErrorKind;

/** A decoded record whose content the job refuses, with the dead-letter kind. */
public final class ValidationException extends Exception {

    private final ErrorKind kind;

    public ValidationException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
