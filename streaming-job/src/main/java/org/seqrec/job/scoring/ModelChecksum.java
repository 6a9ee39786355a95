package org.seqrec.job.scoring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Checks a model file against the SHA-256 digest in its own {@code sha256} metadata entry, so a file
 * corrupted in transit or changed after export stops start-up instead of scoring with unknown weights.
 * A file cannot contain its own hash: model-export ({@code with_checksum} in export.py) hashes the file
 * with the entry's value as 64 ASCII '0's and then writes the digest in their place. Verifying undoes
 * that: the digest's bytes, found exactly once, become '0's again, and the result must hash to the digest.
 */
final class ModelChecksum {

    static final String KEY = "sha256";
    private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-f]{64}");

    private ModelChecksum() {}

    /**
     * @param file the model's bytes, as handed to ONNX Runtime
     * @param digest the value of its {@code sha256} metadata entry, or null if it has none
     * @throws ModelContractException naming the file and, on a mismatch, both digests
     */
    static void verify(byte[] file, String digest, String source) {
        if (digest == null) {
            throw new ModelContractException(source + " has no '" + KEY + "' metadata entry, so the job cannot tell"
                    + " whether it is the file that was exported: re-export it with model-export (python3 -m attnmvp"
                    + " export), or, if you know the file is intact, add the entry with python3 -m attnmvp stamp FILE");
        }
        if (!HEX_DIGEST.matcher(digest).matches()) {
            throw new ModelContractException(source + " has a malformed '" + KEY + "' metadata entry ('" + digest
                    + "', expected 64 lowercase hex digits); re-export it with model-export");
        }
        byte[] needle = digest.getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(file, needle, 0);
        if (at < 0 || indexOf(file, needle, at + 1) >= 0) {
            throw new ModelContractException(source + " cannot be verified: its '" + KEY + "' digest occurs "
                    + (at < 0 ? "nowhere" : "more than once") + " in the file; re-export it with model-export");
        }
        byte[] hashed = file.clone();
        Arrays.fill(hashed, at, at + needle.length, (byte) '0');
        String actual = HexFormat.of().formatHex(sha256(hashed));
        if (!actual.equals(digest)) {
            throw new ModelContractException("Model file " + source + " is corrupt or was changed after export: its"
                    + " metadata says sha256 " + digest + " but its content hashes to " + actual + ". Copy the file"
                    + " again from where it was exported, or re-export it with model-export");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        for (int i = from; i <= haystack.length - needle.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
