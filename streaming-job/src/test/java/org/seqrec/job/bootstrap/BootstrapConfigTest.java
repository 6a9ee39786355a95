package org.seqrec.job.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.seqrec.job.JobConfig;
import org.seqrec.testing.ReadmeOptions;

class BootstrapConfigTest {

    @Test
    void takesItsOwnKeysAndTheJobsRules() {
        BootstrapConfig config = BootstrapConfig.fromArgs("--bootstrap.input", "a.avro, dir/", "--bootstrap.savepoint",
                "/sp", "--bootstrap.until", "2018-09-24T14:27:30Z", "--sequence.max-length", "32");
        assertThat(config.inputs()).containsExactly("a.avro", "dir/");
        assertThat(config.rejects()).isEqualTo("/sp-rejects.csv");
        assertThat(config.until()).isEqualTo(Instant.parse("2018-09-24T14:27:30Z"));
        assertThat(config.job().get(JobConfig.MAX_SEQUENCE_LENGTH)).isEqualTo(32);
        assertThat(config.get(BootstrapConfig.MAX_PARALLELISM)).isEqualTo(128);
    }

    @Test
    void stopsOnMissingOrInvalidOptionsSayingWhatToFix() {
        assertThatThrownBy(() -> BootstrapConfig.fromArgs("--bootstrap.savepoint", "/sp"))
                .hasMessageContaining("bootstrap.input is required");
        assertThatThrownBy(() -> BootstrapConfig.fromArgs("--bootstrap.input", "a.csv"))
                .hasMessageContaining("bootstrap.savepoint is required");
        assertThatThrownBy(() -> BootstrapConfig.fromArgs("--bootstrap.input", "a.csv", "--bootstrap.savepoint", "/sp",
                "--bootstrap.until", "soon")).hasMessageContaining("bootstrap.until must be an ISO-8601 instant");
        assertThatThrownBy(() -> BootstrapConfig.fromArgs("--bootstrap.input", "a.csv", "--bootstrap.savepoint", "/sp",
                "--bootstrap.max-parallelism", "0")).hasMessageContaining("bootstrap.max-parallelism must be between");
        assertThatThrownBy(() -> BootstrapConfig.fromArgs("--bootstrap.input", "a.csv", "--bootstrap.savepoint", "/sp",
                "--bootstrap.inputs", "b.csv")).hasMessageContaining("unknown option --bootstrap.inputs").hasMessageContaining("--bootstrap.input:");
        assertThatThrownBy(() -> BootstrapConfig.fromArgs("--bootstrap.input", "a.csv", "--bootstrap.savepoint", "/sp",
                "--sequence.max-length", "0")).hasMessageContaining("sequence.max-length must be positive");
    }

    @Test
    void everyOptionIsDocumentedInTheReadmeWithItsDefault() throws Exception {
        ReadmeOptions.assertDocumented(BootstrapConfig.OPTIONS);
    }
}
