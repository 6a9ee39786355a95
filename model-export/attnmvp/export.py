"""ONNX export (opset 17, dynamic B, N, C) with the metadata the job reads, and parity vectors.

The graph signature and metadata keys are the model contract with the streaming job; its
scorer reads them instead of guessing. The `sha256` entry lets the job refuse a file that was
corrupted or changed after export. The parity file holds real evaluation-time requests
and the PyTorch outputs for them (B = 1, no padding), which the Java side must reproduce
while batching and padding them its own way.
"""
from __future__ import annotations

import hashlib
import json
import random
import warnings
from pathlib import Path
from typing import Any

import onnx
import torch

from .config import CODE_VERSION, Config
from .data import PADDING_ITEM, UNKNOWN_ITEM, MovieLens
from .ranker import Ranker
from .train import action_metrics, evaluate, load_checkpoint

CONTRACT_VERSION = "1"
OPSET = 17
INPUT_NAMES = ["item_ids", "action_ids", "history_mask", "candidate_ids"]
OUTPUT_NAME = "action_probs"
RANKING_WEIGHTS = {"like": 1.0}
PARITY_TOLERANCE = 1e-4
DATA_TAG = "ml-latest-small"
CHECKSUM_KEY = "sha256"
CHECKSUM_PLACEHOLDER = b"0" * 64  # as long as a hex SHA-256 digest


def model_version(cfg: Config, training_date: str) -> str:
    return f"{cfg.architecture}-{CODE_VERSION}-{DATA_TAG}-{training_date.replace('-', '')}"


def split_description(cfg: Config) -> str:
    return (f"per-user time-based: each user's events in replay order (timestamp, rating before tag, movieId); "
            f"the latest {cfg.eval_fraction:.0%} (at least 1) are the test period, the latest "
            f"{cfg.valid_fraction:.0%} of the rest the validation period (early stopping and every choice), "
            f"the remainder is fitted; item vocab = fitted items")


def metadata(cfg: Config, ckpt: dict[str, Any], metrics: dict[str, Any]) -> dict[str, str]:
    """Every `metadata_props` entry of the contract; all values are strings, JSON where structured.

    metrics: the model's test-period figures with serving semantics (`action_metrics`)."""
    return {
        "architecture": cfg.architecture,
        "model_version": model_version(cfg, ckpt["training_date"]),
        "contract_version": CONTRACT_VERSION,
        "action_names": json.dumps(cfg.action_names),
        "unknown_action_index": str(cfg.num_actions),
        "ranking_weights": json.dumps(RANKING_WEIGHTS),
        "max_history": str(cfg.max_history),
        "item_vocab": json.dumps(ckpt["vocab"]),
        "item_padding_index": str(PADDING_ITEM),
        "item_unknown_index": str(UNKNOWN_ITEM),
        "training_data": ckpt["training_data"],
        "training_date": ckpt["training_date"],
        "metrics": json.dumps(metrics),
        "hyperparameters": json.dumps(cfg.to_dict()),
        "split": split_description(cfg),
    }


def export_onnx(model: Ranker, meta: dict[str, str], path: Path) -> onnx.ModelProto:
    """Trace the serving path to ONNX, attach metadata, check the file, and write it."""
    model.eval()
    gen = torch.Generator().manual_seed(0)
    # Example sizes differ from each other so no dimension can be confused with another.
    item_ids = torch.randint(0, model.cfg.num_items, (2, 5), generator=gen)
    action_ids = torch.randint(0, model.cfg.num_actions + 1, (2, 5), generator=gen)
    history_mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2])
    candidate_ids = torch.randint(0, model.cfg.num_items, (2, 3), generator=gen)
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # torch 1.13 warns about shape inference of None constants; the graph's declared input
        # and output shapes are checked against the contract by tests/test_export.py.
        warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
        torch.onnx.export(
            model, (item_ids, action_ids, history_mask, candidate_ids), str(path),
            input_names=INPUT_NAMES, output_names=[OUTPUT_NAME], opset_version=OPSET,
            dynamic_axes={"item_ids": {0: "B", 1: "N"}, "action_ids": {0: "B", 1: "N"},
                          "history_mask": {0: "B", 1: "N"}, "candidate_ids": {0: "B", 1: "C"},
                          OUTPUT_NAME: {0: "B", 1: "C"}},
        )
    proto = onnx.load(str(path))
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    path.write_bytes(with_checksum(proto))
    return proto


def with_checksum(proto: onnx.ModelProto) -> bytes:
    """The serialised model with a `sha256` metadata entry that the file's bytes can be checked against.

    A file cannot contain its own hash, so the digest covers the file with the entry's value as 64
    ASCII '0's; it then replaces them, and having the same length it changes no protobuf length. To
    verify (the job's ModelChecksum, `checksum_matches`): put the '0's back where the digest is, hash,
    compare. Any earlier `sha256` entry is replaced, so an exported file can be stamped again.
    """
    for i in reversed(range(len(proto.metadata_props))):
        if proto.metadata_props[i].key == CHECKSUM_KEY:
            del proto.metadata_props[i]
    entry = proto.metadata_props.add()
    entry.key, entry.value = CHECKSUM_KEY, CHECKSUM_PLACEHOLDER.decode()
    data = proto.SerializeToString()
    if data.count(CHECKSUM_PLACEHOLDER) != 1:
        raise ValueError("64 ASCII '0's occur elsewhere in the model, so its checksum could not be verified")
    return data.replace(CHECKSUM_PLACEHOLDER, hashlib.sha256(data).hexdigest().encode())


def checksum_matches(data: bytes) -> bool:
    """True if a serialised model's `sha256` entry is the digest `with_checksum` would give it."""
    meta = {p.key: p.value for p in onnx.load_from_string(data).metadata_props}
    digest = meta.get(CHECKSUM_KEY, "").encode()
    if len(digest) != len(CHECKSUM_PLACEHOLDER) or data.count(digest) != 1:
        return False
    return hashlib.sha256(data.replace(digest, CHECKSUM_PLACEHOLDER)).hexdigest().encode() == digest


def stamp(path: Path) -> None:
    """Adds or refreshes the `sha256` entry of an exported file in place; graph and weights stay as they are."""
    data = with_checksum(onnx.load(str(path)))
    if not checksum_matches(data):
        raise ValueError(f"{path}: the stamped model does not verify; it was not written")
    path.write_bytes(data)


def parity_cases(model: Ranker, data: MovieLens, n_cases: int = 240, seed: int = 0) -> list[dict[str, Any]]:
    """Real requests: a user's history up to a test-period event, and candidates to score.

    Most cases cut a user's sequence at a random test-period event; one in ten cuts after
    1-5 events (a new user), one in ten at a user with more than max_history events before the
    cut (a full, truncated history). Candidates are the true next item, training items, items
    never fitted (out of vocabulary) and an id no catalogue holds.
    """
    rng = random.Random(seed)
    n_max = model.cfg.max_history
    vocab, names = data.vocab, model.cfg.action_names
    known = set(vocab)
    unseen = sorted({raw for u in data.users for raw in u.items if raw not in known}, key=int)
    long_users = [u for u in data.users if len(u.items) > n_max + 1]
    cases = []
    for k in range(n_cases):
        if k % 10 == 0:
            user = rng.choice(data.users)
            cut = rng.randint(1, 5)
        elif k % 10 == 1:
            user = rng.choice(long_users)
            cut = rng.randint(max(user.split, n_max + 1), len(user.items) - 1)
        else:
            user = rng.choice(data.users)
            cut = rng.randint(user.split, len(user.items) - 1)
        start = max(0, cut - n_max)
        items, actions = user.items[start:cut], user.actions[start:cut]
        candidates = [user.items[cut]] + rng.sample(vocab, rng.randint(0, 14))
        candidates += rng.sample(unseen, rng.randint(0, 3)) + (["999999"] if k % 4 == 0 else [])
        rng.shuffle(candidates)
        case = {
            "user_id": user.user_id,
            "history": [{"item_id": i, "action": names[a]} for i, a in zip(items, actions)],
            "candidate_item_ids": candidates,
            "item_ids": data.encode(items),
            "action_ids": list(actions),
            "candidate_ids": data.encode(candidates),
        }
        case["action_probs"] = score_unbatched(model, case)
        cases.append(case)
    return cases


@torch.no_grad()
def score_unbatched(model: Ranker, case: dict[str, Any]) -> list[list[float]]:
    """The model's output for one case with B = 1 and no padding, [C][A] float32 values."""
    probs = model(torch.tensor([case["item_ids"]]), torch.tensor([case["action_ids"]]),
                  torch.ones(1, len(case["item_ids"]), dtype=torch.bool), torch.tensor([case["candidate_ids"]]))
    return probs[0].tolist()


@torch.no_grad()
def score_batched(model: Ranker, cases: list[dict[str, Any]]) -> list[list[list[float]]]:
    """All cases in one right-padded batch, as the Java side feeds them."""
    b = len(cases)
    n = max(len(c["item_ids"]) for c in cases)
    c_max = max(len(c["candidate_ids"]) for c in cases)
    item_ids = torch.zeros(b, n, dtype=torch.long)
    action_ids = torch.zeros(b, n, dtype=torch.long)
    history_mask = torch.zeros(b, n, dtype=torch.bool)
    candidate_ids = torch.zeros(b, c_max, dtype=torch.long)
    for i, c in enumerate(cases):
        k = len(c["item_ids"])
        item_ids[i, :k] = torch.tensor(c["item_ids"])
        action_ids[i, :k] = torch.tensor(c["action_ids"])
        history_mask[i, :k] = True
        candidate_ids[i, :len(c["candidate_ids"])] = torch.tensor(c["candidate_ids"])
    probs = model(item_ids, action_ids, history_mask, candidate_ids)  # (B, C_max, A)
    return [probs[i, :len(c["candidate_ids"])].tolist() for i, c in enumerate(cases)]


def max_parity_error(model: Ranker, cases: list[dict[str, Any]], batch_size: int = 32) -> float:
    """Largest |batched-and-padded output - recorded output| over all cases."""
    error = 0.0
    for start in range(0, len(cases), batch_size):
        part = cases[start:start + batch_size]
        for got, case in zip(score_batched(model, part), part):
            for row_got, row_want in zip(got, case["action_probs"]):
                error = max(error, max(abs(p - q) for p, q in zip(row_got, row_want)))
    return error


def export(checkpoint: Path, out_dir: Path, data: MovieLens, n_cases: int = 240,
           metrics: dict[str, Any] | None = None) -> dict[str, Path]:
    """Write <arch>.onnx and <arch>.parity.json for a checkpoint; returns their paths.

    metrics: the checkpoint's test figures if already measured; otherwise they are measured here."""
    model, ckpt = load_checkpoint(checkpoint)
    cfg = model.cfg
    assert ckpt["vocab"] == data.vocab, "checkpoint was trained on another split or data set"
    if metrics is None:
        metrics = action_metrics(*evaluate(model, data, "serving")[:2], cfg.action_names)
    meta = metadata(cfg, ckpt, metrics)
    onnx_path = out_dir / f"{cfg.architecture}.onnx"
    export_onnx(model, meta, onnx_path)
    cases = parity_cases(model, data, n_cases)
    error = max_parity_error(model, cases)
    assert error <= PARITY_TOLERANCE / 10, f"padded batch differs from unbatched outputs by {error}"
    parity = {"architecture": cfg.architecture, "model_version": meta["model_version"],
              "tolerance": PARITY_TOLERANCE, "cases": cases}
    parity_path = out_dir / f"{cfg.architecture}.parity.json"
    parity_path.write_text(json.dumps(parity, separators=(",", ":")) + "\n")
    return {"onnx": onnx_path, "parity": parity_path}
