package org.seqrec.job.scoring;

import java.util.Locale;

/** Where ONNX Runtime runs the model: {@code cpu}, {@code cuda}, or {@code auto} (CUDA when usable). */
public enum Device {
    CPU,
    CUDA,
    AUTO;

    public static Device parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scoring.device must be cpu, cuda or auto, not '" + value + "'");
        }
    }
}
