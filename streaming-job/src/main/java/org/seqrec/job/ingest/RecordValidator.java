package org.seqrec.job.ingest;

import java.io.Serializable;
import org.apache.avro.specific.SpecificRecord;

/** Checks a decoded Avro record and turns it into the job's internal form. */
@FunctionalInterface
public interface RecordValidator<A extends SpecificRecord, T> extends Serializable {

    /** @throws ValidationException naming the field and what is wrong with it */
    T validate(A record) throws ValidationException;
}
