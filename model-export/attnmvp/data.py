"""MovieLens ml-latest-small as per-user (item, action) sequences, a time-based split, and windows.

Events: every rating becomes one event whose action is its bucket (dislike <= 2.0,
neutral 2.5-3.5, like >= 4.0); every tag application becomes a `tag` event (several tags
put on one movie in the same second count once). Each user's events are ordered by
(timestamp, rating before tag, movieId), a total and stable order.

Split: the latest `eval_fraction` of each user's events (at least one) form the evaluation
period; everything before is training. The item vocabulary holds only items seen in
training, so items first seen in the evaluation period map to the unknown index, as new
items do when serving.

Windows: a sequence longer than the model's window is cut into windows of W = N + 1
events (N history events for the last one) with stride W // 2. Each position is a target in
exactly one window, the first in which it has at least W - W // 2 earlier events (or all of
them, near the start of the sequence).
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
    split: int  # index of the first evaluation-period event


@dataclass
class MovieLens:
    users: list[UserSequence]
    vocab: list[str]  # raw ids of training items; raw id vocab[p] has index p + 2
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


def load_movielens(data_dir: Path = DEFAULT_DATA_DIR, eval_fraction: float = 0.2) -> MovieLens:
    """Read ratings.csv and tags.csv into time-ordered, split per-user sequences."""
    events: dict[str, set[tuple[int, int, int, int]]] = {}  # user -> {(ts, kind, movieId, action)}
    with open(data_dir / "ratings.csv", newline="") as f:
        for row in csv.DictReader(f):
            event = (int(row["timestamp"]), 0, int(row["movieId"]), rating_to_action(float(row["rating"])))
            events.setdefault(row["userId"], set()).add(event)
    with open(data_dir / "tags.csv", newline="") as f:
        for row in csv.DictReader(f):
            event = (int(row["timestamp"]), 1, int(row["movieId"]), ACTION_INDEX["tag"])
            events.setdefault(row["userId"], set()).add(event)

    users = []
    for user_id in sorted(events, key=int):
        ordered = sorted(events[user_id])
        n_eval = max(1, round(len(ordered) * eval_fraction))
        users.append(UserSequence(
            user_id=user_id,
            items=[str(movie) for _, _, movie, _ in ordered],
            actions=[action for _, _, _, action in ordered],
            split=len(ordered) - n_eval,
        ))
    train_items = {raw for u in users for raw in u.items[:u.split]}
    vocab = sorted(train_items, key=int)
    return MovieLens(users=users, vocab=vocab, ratings_sha256=file_sha256(data_dir / "ratings.csv"))


@dataclass
class Window:
    item_ids: list[int]
    action_ids: list[int]
    target_from: int  # positions >= target_from are scored


def windows(item_ids: list[int], action_ids: list[int], length: int, first_target: int = 0) -> list[Window]:
    """Cut one sequence into overlapping windows; each position >= first_target is a target once."""
    stride = max(1, length // 2)
    out = []
    start, covered = 0, 0  # positions < covered are already targets of an earlier window
    while covered < len(item_ids):
        end = min(start + length, len(item_ids))
        target_from = max(covered, first_target) - start
        if target_from < end - start:
            out.append(Window(item_ids[start:end], action_ids[start:end], target_from))
        covered = end
        start += stride
    return out


def train_windows(data: MovieLens, length: int) -> list[Window]:
    out = []
    for u in data.users:
        out += windows(data.encode(u.items[:u.split]), u.actions[:u.split], length)
    return out


def eval_windows(data: MovieLens, length: int) -> list[Window]:
    """Windows over whole sequences whose targets are the evaluation-period events only."""
    out = []
    for u in data.users:
        out += windows(data.encode(u.items), u.actions, length, first_target=u.split)
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


def batches(data: list[Window], batch_size: int, rng: random.Random | None = None) -> Iterator[Batch]:
    """Batches of similar-length windows (little padding); shuffled when rng is given."""
    order = list(range(len(data)))
    if rng is not None:
        rng.shuffle(order)
    order.sort(key=lambda i: len(data[i].item_ids))  # stable: equal lengths keep the shuffled order
    groups = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        rng.shuffle(groups)
    for g in groups:
        yield collate([data[i] for i in g])
