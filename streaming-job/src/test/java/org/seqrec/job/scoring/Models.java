package org.seqrec.job.scoring;

import java.nio.file.Path;
import java.util.List;

/** The models shipped in model-export/models, seen from the streaming-job module directory. */
final class Models {

    static final Path DIR = Path.of("..", "model-export", "models");
    static final List<String> ARCHITECTURES = List.of("attn_mvp", "attn_lfa", "interleaved");

    private Models() {}

    static Path model(String architecture) {
        return DIR.resolve(architecture + ".onnx");
    }

    static Path parity(String architecture) {
        return DIR.resolve(architecture + ".parity.json");
    }
}
