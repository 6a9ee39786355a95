"""Events, ordering, split, vocabulary and windows; metrics against brute force."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attnmvp.data import (EVENT_STREAM_FILE, UNKNOWN_ITEM, MovieLens, UserSequence, event_stream,
                          event_stream_digest, load_movielens, rating_to_action, serving_windows, windows)
from attnmvp.train import action_metrics, auc

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True, database=None)
DISLIKE, NEUTRAL, LIKE, TAG = range(4)


@pytest.mark.parametrize("rating, action", [(0.5, DISLIKE), (2.0, DISLIKE), (2.5, NEUTRAL), (3.5, NEUTRAL),
                                            (4.0, LIKE), (5.0, LIKE)])
def test_ratings_are_bucketed_into_actions(rating: float, action: int) -> None:
    assert rating_to_action(rating) == action


def write_csvs(root: Path, ratings: list[str], tags: list[str]) -> Path:
    (root / "ratings.csv").write_text("userId,movieId,rating,timestamp\n" + "\n".join(ratings) + "\n")
    (root / "tags.csv").write_text("userId,movieId,tag,timestamp\n" + "\n".join(tags) + "\n")
    return root


def test_events_are_ordered_by_time_then_rating_before_tag_then_movie(tmp_path: Path) -> None:
    root = write_csvs(tmp_path, ["1,30,4.0,100", "1,20,1.0,100", "1,10,3.0,200", "1,40,5.0,50"],
                      ["1,20,funny,100", "1,20,quotable,100", "1,5,dark,100"])
    user = load_movielens(root, eval_fraction=0.2).users[0]
    # At t=100: ratings (movies 20, 30) before tags (movies 5, 20); each tag application is an event.
    assert user.items == ["40", "20", "30", "5", "20", "20", "10"]
    assert user.actions == [LIKE, DISLIKE, LIKE, TAG, TAG, TAG, NEUTRAL]


def test_stream_orders_users_within_a_second_as_the_replay_does(tmp_path: Path) -> None:
    root = write_csvs(tmp_path, ["2,7,4.0,100", "10,3,1.0,100", "1,9,3.0,100"], ["1,3,x,100", "2,1,y,99"])
    stream = [(e.user_id, e.item_id, e.action) for e in event_stream(root)]
    assert stream == [("2", "1", TAG), ("1", "9", NEUTRAL), ("2", "7", LIKE), ("10", "3", DISLIKE), ("1", "3", TAG)]


def test_split_is_per_user_by_time_and_vocab_holds_fitted_items_only(tmp_path: Path) -> None:
    ratings = [f"1,{m},4.0,{t}" for t, m in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])] + ["2,1,1.0,5", "2,11,1.0,6"]
    data = load_movielens(write_csvs(tmp_path, ratings, []), eval_fraction=0.2, valid_fraction=0.1)
    first, second = data.users
    assert (first.valid, first.split) == (7, 8)  # latest 20% test, then latest 10% of the rest validation
    assert (second.valid, second.split) == (1, 1)  # one event before the test period: nothing to validate on
    assert data.vocab == ["1", "2", "3", "4", "5", "6", "7"]
    assert data.encode(["1", "7", "8", "11", "999999"]) == [2, 8, UNKNOWN_ITEM, UNKNOWN_ITEM, UNKNOWN_ITEM]


def test_real_data_loads_every_event() -> None:
    data = load_movielens()
    assert len(data.users) == 610
    assert sum(len(u.items) for u in data.users) == 100_836 + 3_683  # every rating and every tag application
    assert all(0 < u.valid < u.split < len(u.items) for u in data.users)


def test_committed_stream_digest_is_the_stream_training_reads() -> None:
    """The Java replay checks itself against this file, so it must describe what training reads."""
    committed = json.loads(EVENT_STREAM_FILE.read_text())
    assert committed == event_stream_digest(event_stream())
    data = load_movielens()
    assert committed["events"] == sum(len(u.items) for u in data.users)


@SETTINGS
@given(n=st.integers(1, 40), split=st.integers(0, 39), max_history=st.integers(1, 12))
def test_serving_windows_give_each_test_event_exactly_its_previous_n_events(n: int, split: int,
                                                                            max_history: int) -> None:
    split = min(split, n - 1)
    items = [str(k) for k in range(n)]
    data = MovieLens([UserSequence("1", items, [0] * n, split, split)], vocab=items, ratings_sha256="")
    seen = {}
    for w in serving_windows(data, max_history):
        for p in range(w.target_from, len(w.item_ids)):
            seen[w.item_ids[p] - 2] = w.item_ids[:p]
    assert sorted(seen) == list(range(split, n))
    for t, history in seen.items():
        assert history == [k + 2 for k in range(max(0, t - max_history), t)]


@SETTINGS
@given(n=st.integers(1, 60), length=st.integers(1, 20), data=st.data())
def test_every_position_is_a_target_once_with_enough_context(n: int, length: int, data: st.DataObject) -> None:
    first_target = data.draw(st.integers(0, n - 1))
    items = list(range(n))
    targets = []
    for w in windows(items, items, length, first_target):
        assert 1 <= len(w.item_ids) <= length
        for p in range(w.target_from, len(w.item_ids)):
            position = w.item_ids[p]
            assert p >= min(position, length - max(1, length // 2))  # earlier events it sees
            targets.append(position)
    assert targets == list(range(first_target, n))


def test_auc_matches_pair_counting() -> None:
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, 40).astype(float)  # many ties
    labels = rng.integers(0, 2, 40)
    pairs = [(s, t) for s, t in itertools.product(scores[labels == 1], scores[labels == 0])]
    expected = sum(1.0 if s > t else 0.5 if s == t else 0.0 for s, t in pairs) / len(pairs)
    assert auc(scores, labels) == pytest.approx(expected)


def test_base_rate_predictor_has_normalized_entropy_one() -> None:
    labels = np.array([0, 1, 2, 2, 3, 2, 1, 0, 2, 1])
    rates = np.bincount(labels, minlength=4) / len(labels)
    logits = np.tile(np.log(rates / (1 - rates)), (len(labels), 1))
    metrics = action_metrics(logits, labels, ["dislike", "neutral", "like", "tag"])
    for name in ("dislike", "neutral", "like", "tag", "overall"):
        assert metrics[name]["ne"] == pytest.approx(1.0)
