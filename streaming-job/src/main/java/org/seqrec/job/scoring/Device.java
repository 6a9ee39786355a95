package org.seqrec.job.scoring;

/** Where ONNX Runtime runs the model: {@code cpu}, {@code cuda}, or {@code auto} (CUDA when usable). */
public enum Device {
    CPU,
    CUDA,
    AUTO
}
