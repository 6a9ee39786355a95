"""MovieLens ml-latest-small as per-user (item, action) sequences, a time-based split, and windows.

Events: every rating becomes one event whose action is its bucket (dislike <= 2.0,
neutral 2.5-3.5, like >= 4.0); every tag application becomes a `tag` event, several tags put
on one movie in the same second included, because the streaming job's replay sends each of
them and the model should be trained on the stream it serves. All events are ordered as the
replay sends them: by (timestamp, rating before tag, userId, movieId), ties in file order;
each user's sequence is that order restricted to the user. `event_stream_digest` summarises
the stream so the Java replay can check it emits exactly these events.

Split: the latest `eval_fraction` of each user's events (at least one) form the test period,
and the latest `valid_fraction` of the events before it (at least one, when there are two or
more) the validation period; the rest are fitted. The item vocabulary holds only fitted items,
so items first seen later map to the unknown index, as new items do when serving.

Windows: a sequence longer than the model's window is cut into windows of W = N + 1
events (N history events for the last one) with stride W // 2. Each position is a target in
exactly one window, the first in which it has at least W - W // 2 earlier events (or all of
them, near the start of the sequence). Serving windows instead give every target exactly the
min(t, N) events before it, as the streaming job does.
"""
from __future__ import annotations

import csv
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import torch

from .config import ACTION_NAMES

PADDING_ITEM = 0
UNKNOWN_ITEM = 1
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "ml-latest-small"
EVENT_STREAM_FILE = Path(__file__).resolve().parents[1] / "models" / "event-stream.json"  # read by the Java replay's test
DATA_DESCRIPTION = "MovieLens ml-latest-small (GroupLens, 2018-09-26)"
ACTION_INDEX = {name: i for i, name in enumerate(ACTION_NAMES)}


def rating_to_action(rating: float) -> int:
    """Bucket a 0.5..5.0 star rating into dislike / neutral / like."""
    if rating <= 2.0:
        return ACTION_INDEX["dislike"]
    if rating <= 3.5:
        return ACTION_INDEX["neutral"]
    return ACTION_INDEX["like"]


@dataclass
class UserSequence:
    user_id: str
    items: list[str]  # raw movieIds, oldest first
    actions: list[int]  # action index per event
    valid: int  # index of the first validation-period event
    split: int  # index of the first test-period event


@dataclass
class Event:
    timestamp: int
    is_tag: bool
    user_id: str
    item_id: str
    action: int


@dataclass
class MovieLens:
    users: list[UserSequence]
    vocab: list[str]  # raw ids of fitted items; raw id vocab[p] has index p + 2
    ratings_sha256: str

    @property
    def item_index(self) -> dict[str, int]:
        return {raw: p + 2 for p, raw in enumerate(self.vocab)}

    @property
    def num_items(self) -> int:
        return len(self.vocab) + 2

    @property
    def training_data(self) -> str:
        return f"{DATA_DESCRIPTION}, sha256 of ratings.csv {self.ratings_sha256}"

    def encode(self, items: list[str]) -> list[int]:
        index = self.item_index
        return [index.get(raw, UNKNOWN_ITEM) for raw in items]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def event_stream(data_dir: Path = DEFAULT_DATA_DIR) -> list[Event]:
    """Every rating and every tag application, in the order the replay sends them."""
    events = []
    with open(data_dir / "ratings.csv", newline="") as f:
        for row in csv.DictReader(f):
            events.append(Event(int(row["timestamp"]), False, row["userId"], row["movieId"],
                                rating_to_action(float(row["rating"]))))
    with open(data_dir / "tags.csv", newline="") as f:
        for row in csv.DictReader(f):
            events.append(Event(int(row["timestamp"]), True, row["userId"], row["movieId"], ACTION_INDEX["tag"]))
    # sorted() is stable, so tags equal in every key keep their order in tags.csv, as in the replay.
    return sorted(events, key=lambda e: (e.timestamp, e.is_tag, int(e.user_id), int(e.item_id)))


def event_stream_digest(events: list[Event]) -> dict[str, object]:
    """Count, per-action counts and a SHA-256 over "user,item,action,timestamp" lines in stream order."""
    lines = "".join(f"{e.user_id},{e.item_id},{ACTION_NAMES[e.action]},{e.timestamp}\n" for e in events)
    return {"events": len(events),
            "actions": {name: sum(e.action == a for e in events) for a, name in enumerate(ACTION_NAMES)},
            "users": len({e.user_id for e in events}),
            "sha256": hashlib.sha256(lines.encode()).hexdigest()}


def split_point(n: int, fraction: float) -> int:
    """Index of the first of the latest `fraction` of n events (at least one of them)."""
    return n - max(1, round(n * fraction))


def load_movielens(data_dir: Path = DEFAULT_DATA_DIR, eval_fraction: float = 0.2,
                   valid_fraction: float = 0.1) -> MovieLens:
    """Read ratings.csv and tags.csv into time-ordered per-user sequences split in three periods."""
    per_user: dict[str, list[Event]] = {}
    for e in event_stream(data_dir):
        per_user.setdefault(e.user_id, []).append(e)
    users = []
    for user_id in sorted(per_user, key=int):
        events = per_user[user_id]
        split = split_point(len(events), eval_fraction)
        valid = split_point(split, valid_fraction) if split >= 2 else split
        users.append(UserSequence(user_id=user_id, items=[e.item_id for e in events],
                                  actions=[e.action for e in events], valid=valid, split=split))
    fitted_items = {raw for u in users for raw in u.items[:u.valid]}
    vocab = sorted(fitted_items, key=int)
    return MovieLens(users=users, vocab=vocab, ratings_sha256=file_sha256(data_dir / "ratings.csv"))


@dataclass
class Window:
    item_ids: list[int]
    action_ids: list[int]
    target_from: int  # positions >= target_from are scored
    user: int = -1  # index of the user in MovieLens.users


def windows(item_ids: list[int], action_ids: list[int], length: int, first_target: int = 0,
            user: int = -1) -> list[Window]:
    """Cut one sequence into overlapping windows; each position >= first_target is a target once."""
    stride = max(1, length // 2)
    out = []
    start, covered = 0, 0  # positions < covered are already targets of an earlier window
    while covered < len(item_ids):
        end = min(start + length, len(item_ids))
        target_from = max(covered, first_target) - start
        if target_from < end - start:
            out.append(Window(item_ids[start:end], action_ids[start:end], target_from, user))
        covered = end
        start += stride
    return out


def train_windows(data: MovieLens, length: int) -> list[Window]:
    """Windows over the fitted events of every user."""
    out = []
    for k, u in enumerate(data.users):
        out += windows(data.encode(u.items[:u.valid]), u.actions[:u.valid], length, user=k)
    return out


def valid_windows(data: MovieLens, length: int) -> list[Window]:
    """Windows over fitted and validation events whose targets are the validation events only."""
    out = []
    for k, u in enumerate(data.users):
        out += windows(data.encode(u.items[:u.split]), u.actions[:u.split], length, first_target=u.valid, user=k)
    return out


def test_windows(data: MovieLens, length: int) -> list[Window]:
    """Windows over whole sequences whose targets are the test-period events only."""
    out = []
    for k, u in enumerate(data.users):
        out += windows(data.encode(u.items), u.actions, length, first_target=u.split, user=k)
    return out


def serving_windows(data: MovieLens, max_history: int) -> list[Window]:
    """Test targets each predicted from exactly its min(t, N) previous events, as the job serves them.

    A history position sees only what a candidate scored after the same history sees (the
    causality tests prove it), so one window from the start of the sequence serves every target
    t <= N, and each later target needs a window of its own, [t - N, t].
    """
    out = []
    for k, u in enumerate(data.users):
        items, actions = data.encode(u.items), u.actions
        if u.split <= max_history:
            end = min(len(items), max_history + 1)
            out.append(Window(items[:end], actions[:end], u.split, k))
        for t in range(max(u.split, max_history + 1), len(items)):
            out.append(Window(items[t - max_history:t + 1], actions[t - max_history:t + 1], max_history, k))
    return out


@dataclass
class Batch:
    item_ids: torch.Tensor  # (B, N) int64
    action_ids: torch.Tensor  # (B, N) int64
    history_mask: torch.Tensor  # (B, N) bool
    target_mask: torch.Tensor  # (B, N) bool, positions that count in the loss


def collate(batch: list[Window]) -> Batch:
    """Right-pad windows to the longest one in the batch."""
    n = max(len(w.item_ids) for w in batch)
    item_ids = torch.zeros(len(batch), n, dtype=torch.long)
    action_ids = torch.zeros(len(batch), n, dtype=torch.long)
    history_mask = torch.zeros(len(batch), n, dtype=torch.bool)
    target_mask = torch.zeros(len(batch), n, dtype=torch.bool)
    for b, w in enumerate(batch):
        k = len(w.item_ids)
        item_ids[b, :k] = torch.tensor(w.item_ids)
        action_ids[b, :k] = torch.tensor(w.action_ids)
        history_mask[b, :k] = True
        target_mask[b, w.target_from:k] = True
    return Batch(item_ids, action_ids, history_mask, target_mask)


def length_groups(data: list[Window], batch_size: int, rng: random.Random | None = None) -> list[list[int]]:
    """Indices of windows in batches of similar length (little padding); shuffled when rng is given."""
    order = list(range(len(data)))
    if rng is not None:
        rng.shuffle(order)
    order.sort(key=lambda i: len(data[i].item_ids))  # stable: equal lengths keep the shuffled order
    groups = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        rng.shuffle(groups)
    return groups


def batches(data: list[Window], batch_size: int, rng: random.Random | None = None) -> Iterator[Batch]:
    for g in length_groups(data, batch_size, rng):
        yield collate([data[i] for i in g])
