package org.seqrec.job.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.RankingRequest;

/**
 * Accepts requests with valid ids, between 1 and {@code scoring.max-candidates} candidates (repeats
 * dropped, first occurrence kept), k >= 1 (capped at the candidate count) and a plausible time.
 */
public final class RankRequestValidator implements RecordValidator<RankingRequest, RankRequest> {

    private static final long serialVersionUID = 1L;

    private final long minTime;
    private final long maxFutureSkewMillis;
    private final int maxIdLength;
    private final int maxCandidates;

    public RankRequestValidator(Instant minTime, Duration maxFutureSkew, int maxIdLength, int maxCandidates) {
        this.minTime = minTime.toEpochMilli();
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.maxIdLength = maxIdLength;
        this.maxCandidates = maxCandidates;
    }

    @Override
    public RankRequest validate(RankingRequest request) throws ValidationException {
        String requestId = Ids.require("request_id", request.getRequestId(), maxIdLength);
        String userId = Ids.require("user_id", request.getUserId(), maxIdLength);
        if (request.getCandidateItemIds().isEmpty()) {
            throw new ValidationException(ErrorKind.MISSING_FIELD, "candidate_item_ids is empty");
        }
        if (request.getCandidateItemIds().size() > maxCandidates) {
            throw new ValidationException(ErrorKind.INVALID_FIELD, "candidate_item_ids has "
                    + request.getCandidateItemIds().size() + " items, more than the " + maxCandidates + " allowed");
        }
        Set<String> candidates = new LinkedHashSet<>();
        for (String item : request.getCandidateItemIds()) {
            candidates.add(Ids.require("candidate item id", item, maxIdLength));
        }
        if (request.getK() < 1) {
            throw new ValidationException(ErrorKind.INVALID_FIELD, "k is " + request.getK() + "; it must be at least 1");
        }
        long time = request.getRequestTime().toEpochMilli();
        FieldChecks.requirePlausibleTime(time, minTime, maxFutureSkewMillis);
        return new RankRequest(requestId, userId, candidates.toArray(String[]::new),
                Math.min(request.getK(), candidates.size()), time);
    }
}
