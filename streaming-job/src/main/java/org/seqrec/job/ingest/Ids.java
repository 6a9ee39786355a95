package org.seqrec.job.ingest;

import org.seqrec.avro.ErrorKind;

/**
 * What an id (event, user, item, request and candidate ids) may be: 1 to {@code maxLength} UTF-16
 * characters of printable Unicode, not blank and without leading or trailing white space.
 *
 * <p>Refused, as {@code INVALID_FIELD}: control characters (C0, DEL, C1: NUL, ESC and the rest),
 * format characters other than the zero-width joiners that scripts and emoji need (bidirectional
 * overrides, BOM, soft hyphen), line and paragraph separators, unpaired surrogates and Unicode
 * noncharacters. Such ids are either corrupt or an attack: they reach logs, terminals and downstream
 * stores, and ids that look alike there must not be different ids. The reason names the position and
 * code point, never the id itself.
 */
public final class Ids {

    private static final int ZERO_WIDTH_NON_JOINER = 0x200C;
    private static final int ZERO_WIDTH_JOINER = 0x200D;

    private Ids() {}

    /** @return the id unchanged, if it is a valid id */
    public static String require(String field, String value, int maxLength) throws ValidationException {
        if (value == null || value.isBlank()) {
            throw new ValidationException(ErrorKind.MISSING_FIELD, field + " is empty");
        }
        if (value.length() > maxLength) {
            throw new ValidationException(ErrorKind.INVALID_FIELD,
                    field + " has " + value.length() + " characters, more than the " + maxLength + " allowed");
        }
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            if (!allowed(codePoint)) {
                throw new ValidationException(ErrorKind.INVALID_FIELD, String.format(
                        "%s holds U+%04X at character %d; ids may not contain control, format, separator,"
                                + " surrogate or noncharacter code points", field, codePoint, i));
            }
            i += Character.charCount(codePoint);
        }
        if (isSpace(value.codePointAt(0)) || isSpace(value.codePointBefore(value.length()))) {
            throw new ValidationException(ErrorKind.INVALID_FIELD, field + " starts or ends with white space");
        }
        return value;
    }

    static boolean allowed(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.SURROGATE, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            case Character.FORMAT -> codePoint == ZERO_WIDTH_NON_JOINER || codePoint == ZERO_WIDTH_JOINER;
            default -> !isNoncharacter(codePoint);
        };
    }

    private static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }

    private static boolean isNoncharacter(int codePoint) {
        return (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE;
    }
}
