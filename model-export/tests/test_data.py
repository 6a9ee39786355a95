"""Events, ordering, split, vocabulary and windows; metrics against brute force."""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attnmvp.data import UNKNOWN_ITEM, load_movielens, rating_to_action, windows
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
    # At t=100: ratings (movies 20, 30) before tags (movies 5, 20); two tags on 20 in one second count once.
    assert user.items == ["40", "20", "30", "5", "20", "10"]
    assert user.actions == [LIKE, DISLIKE, LIKE, TAG, TAG, NEUTRAL]


def test_split_is_per_user_by_time_and_vocab_holds_training_items_only(tmp_path: Path) -> None:
    ratings = [f"1,{m},4.0,{t}" for t, m in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])] + ["2,1,1.0,5", "2,11,1.0,6"]
    data = load_movielens(write_csvs(tmp_path, ratings, []), eval_fraction=0.2)
    first, second = data.users
    assert first.split == 8 and second.split == 1  # latest 20%, at least one event
    assert data.vocab == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert data.encode(["1", "8", "9", "11", "999999"]) == [2, 9, UNKNOWN_ITEM, UNKNOWN_ITEM, UNKNOWN_ITEM]


def test_real_data_loads_every_event() -> None:
    data = load_movielens()
    assert len(data.users) == 610
    assert sum(len(u.items) for u in data.users) == 100_836 + 3_423  # ratings + distinct tag events
    assert all(0 < u.split < len(u.items) for u in data.users)


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
