package org.seqrec.job.bootstrap;

import org.seqrec.avro.ErrorKind;

/**
 * A historical record the bootstrap could not use (a Flink POJO): where it was, why (the dead-letter
 * topic's kinds), and the record as text.
 */
public class Rejected {
    public String file;
    /** CSV: line number (the header is line 1); Avro: record number, from 1; 0: the whole file. */
    public long position;
    public ErrorKind errorKind;
    public String message;
    public String record;

    public Rejected() {}

    public Rejected(String file, long position, ErrorKind errorKind, String message, String record) {
        this.file = file;
        this.position = position;
        this.errorKind = errorKind;
        this.message = message;
        this.record = record;
    }
}
