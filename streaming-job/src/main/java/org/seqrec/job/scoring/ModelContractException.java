package org.seqrec.job.scoring;

/** The model file cannot be used by the job; the message says what is wrong and how to fix it. */
public final class ModelContractException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ModelContractException(String message) {
        super(message);
    }

    public ModelContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
