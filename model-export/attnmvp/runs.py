"""Training runs on disk: one directory per (architecture, seed, config), reusable by export."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import torch

from .config import Config
from .data import MovieLens
from .train import Log, save_checkpoint, train

RUNS_DIR = Path(__file__).resolve().parents[1] / "runs"


def run_dir(cfg: Config, root: Path = RUNS_DIR) -> Path:
    """runs/<arch>-seed<k>-<hash of the whole config>, so a changed setting never reuses a run."""
    digest = hashlib.sha256(json.dumps(cfg.to_dict(), sort_keys=True).encode()).hexdigest()[:8]
    return root / f"{cfg.architecture}-seed{cfg.seed}-{digest}"


def train_and_save(cfg: Config, data: MovieLens, root: Path = RUNS_DIR, log: Log = print) -> Path:
    """Train with early stopping on the validation period, save the checkpoint; returns its path."""
    result = train(cfg, data, log)
    path = run_dir(cfg, root) / "checkpoint.pt"
    save_checkpoint(path, result.model, data, result)
    log(f"  saved {path} (best epoch {result.best_epoch}, {result.steps} steps)")
    return path


def reuse_or_train(cfg: Config, data: MovieLens, root: Path = RUNS_DIR, log: Log = print) -> Path:
    """Path of a checkpoint for exactly this config and data, training one only if none exists."""
    path = run_dir(cfg, root) / "checkpoint.pt"
    if path.exists() and torch.load(path, map_location="cpu")["vocab"] == data.vocab:
        log(f"{cfg.architecture} seed {cfg.seed}: reusing {path}")
        return path
    return train_and_save(cfg, data, root, log)
