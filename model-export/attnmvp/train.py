"""Training with early stopping on the validation period, evaluation, and checkpoints.

Objective: at every history position t, predict the action taken on item i_t from
everything strictly before t plus i_t itself, as A independent sigmoids (multi-label, one
positive per event), with binary cross-entropy summed over actions. After every epoch the
validation loss is measured; training stops after `patience` epochs without a new lowest
one, and the weights of the lowest are kept. The test period is never read here.
"""
from __future__ import annotations

import copy
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F

from . import build_model
from .config import Config
from .data import (UNKNOWN_ITEM, Batch, MovieLens, Window, batches, collate, length_groups, serving_windows, test_windows,
                   train_windows, valid_windows)
from .ranker import Ranker

Log = Callable[[str], None]


def action_loss(logits: torch.Tensor, action_ids: torch.Tensor, target_mask: torch.Tensor) -> torch.Tensor:
    """Per-action sigmoid BCE summed over actions, averaged over target positions.

    logits: (B, N, A); action_ids: [B, N] x int64 in 0..A-1 on targets; target_mask: [B, N] x bool.
    """
    labels = F.one_hot(action_ids.clamp(max=logits.size(-1) - 1), logits.size(-1)).to(logits.dtype)  # (B, N, A)
    per_event = F.binary_cross_entropy_with_logits(logits, labels, reduction="none").sum(-1)  # (B, N)
    return per_event[target_mask].mean()


def replace_with_unknown(batch: Batch, rate: float, num_actions: int, gen: torch.Generator) -> Batch:
    """Inputs with a share of items and actions swapped for the unknown indices; targets untouched."""
    if rate == 0.0:
        return batch
    items = torch.rand(batch.item_ids.shape, generator=gen) < rate
    actions = torch.rand(batch.action_ids.shape, generator=gen) < rate
    return Batch(
        item_ids=batch.item_ids.masked_fill(items & batch.history_mask, UNKNOWN_ITEM),
        action_ids=batch.action_ids.masked_fill(actions & batch.history_mask, num_actions),
        history_mask=batch.history_mask,
        target_mask=batch.target_mask,
    )


def learning_rate(step: int, total: int, cfg: Config) -> float:
    """Linear warm-up, then cosine decay to 10% of the peak."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = min(1.0, (step - cfg.warmup_steps) / max(1, total - cfg.warmup_steps))
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress)))


@dataclass
class TrainResult:
    model: Ranker  # with the weights of the epoch with the lowest validation loss
    epoch_seconds: list[float]  # wall time of each epoch's optimisation, validation excluded
    curve: list[dict[str, float]]  # per epoch: epoch, step, seconds (cumulative), valid_bce, valid_ne
    best_epoch: int  # 1-based
    steps: int  # optimiser steps up to the end of the best epoch


def train(cfg: Config, data: MovieLens, log: Log = print) -> TrainResult:
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    windows = train_windows(data, cfg.max_history + 1)
    validation = valid_windows(data, cfg.max_history + 1)
    model = build_model(cfg)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, 0.98))
    steps_per_epoch = math.ceil(len(windows) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs if cfg.max_steps == 0 else min(cfg.max_steps, steps_per_epoch * cfg.epochs)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"{cfg.architecture}: {n_params / 1e6:.3f}M parameters, {len(windows)} training windows, "
        f"{steps_per_epoch} steps/epoch, at most {total} steps")

    step, epoch_seconds, curve = 0, [], []
    best_state, best_epoch, best_loss = None, 0, float("inf")
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        start = time.perf_counter()
        for batch in batches(windows, cfg.batch_size, rng):
            if step == total:
                break
            for group in opt.param_groups:
                group["lr"] = learning_rate(step, total, cfg)
            batch = replace_with_unknown(batch, cfg.unknown_input_rate, cfg.num_actions, gen)
            logits = model.history_logits(batch.item_ids, batch.action_ids, batch.history_mask)
            loss = action_loss(logits, batch.action_ids, batch.target_mask)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
        epoch_seconds.append(time.perf_counter() - start)
        valid = action_metrics(*predict(model, validation)[:2], cfg.action_names)["overall"]
        curve.append({"epoch": epoch, "step": step, "seconds": sum(epoch_seconds),
                      "valid_bce": valid["bce"], "valid_ne": valid["ne"]})
        log(f"  epoch {epoch}: step {step}, {epoch_seconds[-1]:.1f}s, validation BCE {valid['bce']:.4f} "
            f"NE {valid['ne']:.4f}")
        if valid["bce"] < best_loss:
            best_state, best_epoch, best_loss = copy.deepcopy(model.state_dict()), epoch, valid["bce"]
        if epoch - best_epoch >= cfg.patience or step == total:
            break
    model.load_state_dict(best_state)
    model.eval()
    return TrainResult(model, epoch_seconds, curve, best_epoch, curve[best_epoch - 1]["step"])


@torch.no_grad()
def predict(model: Ranker, windows: list[Window], batch_size: int = 64
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Logits (M, A), action labels (M,) and user indices (M,) at every target position of the windows."""
    model.eval()
    logits, labels, users = [], [], []
    for group in length_groups(windows, batch_size):
        batch = collate([windows[i] for i in group])
        out = model.history_logits(batch.item_ids, batch.action_ids, batch.history_mask)  # (B, N, A)
        logits.append(out[batch.target_mask].numpy())
        labels.append(batch.action_ids[batch.target_mask].numpy())
        owner = torch.tensor([windows[i].user for i in group])[:, None].expand_as(batch.target_mask)
        users.append(owner[batch.target_mask].numpy())
    return np.concatenate(logits), np.concatenate(labels), np.concatenate(users)


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U, ties counted half)."""
    pos = int(labels.sum())
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    group_rank = np.cumsum(counts) - (counts - 1) / 2.0  # average 1-based rank of each tie group
    ranks = group_rank[inverse]
    return float((ranks[labels == 1].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def binary_entropy(p: float) -> float:
    return float(-(p * math.log(p) + (1 - p) * math.log(1 - p))) if 0.0 < p < 1.0 else 0.0


def action_metrics(logits: np.ndarray, labels: np.ndarray, action_names: list[str]) -> dict[str, Any]:
    """Per action: BCE (nats), NE = BCE / entropy(base rate), AUC, base rate; plus overall.

    Overall: bce = mean of per-action BCE (the training loss / A), ne = sum of BCE over sum of
    entropies, auc = mean of per-action AUC.
    """
    out: dict[str, Any] = {"events": int(len(labels))}
    bces, entropies, aucs = [], [], []
    for a, name in enumerate(action_names):
        y = (labels == a).astype(np.float64)
        z = logits[:, a].astype(np.float64)
        bce = float(np.mean(y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)))
        h = binary_entropy(float(y.mean()))
        out[name] = {"bce": bce, "ne": bce / h if h > 0 else float("nan"), "auc": auc(z, y),
                     "base_rate": float(y.mean())}
        bces.append(bce)
        entropies.append(h)
        aucs.append(out[name]["auc"])
    out["overall"] = {"bce": float(np.mean(bces)), "ne": float(np.sum(bces) / np.sum(entropies)),
                      "auc": float(np.nanmean(aucs))}
    return out


def evaluate(model: Ranker, data: MovieLens, semantics: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predictions on the test period: 'serving' (each event from exactly its min(t, N) previous
    events, as the job builds its inputs) or 'windowed' (as in training, N/2 to N previous events)."""
    n = model.cfg.max_history
    windows = serving_windows(data, n) if semantics == "serving" else test_windows(data, n + 1)
    return predict(model, windows)


def save_checkpoint(path: Path, model: Ranker, data: MovieLens, result: TrainResult) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({
        "config": model.cfg.to_dict(),
        "model": model.state_dict(),
        "vocab": data.vocab,
        "training_data": data.training_data,
        "epoch_seconds": result.epoch_seconds,
        "curve": result.curve,
        "best_epoch": result.best_epoch,
        "steps": result.steps,
        "parameters": sum(p.numel() for p in model.parameters()),
        "training_date": time.strftime("%Y-%m-%d"),
    }, path)


def load_checkpoint(path: Path) -> tuple[Ranker, dict[str, Any]]:
    """The model rebuilt from the config stored next to its weights, in eval mode."""
    ckpt = torch.load(path, map_location="cpu")
    model = build_model(Config.from_dict(ckpt["config"]))
    model.load_state_dict(ckpt["model"])
    return model.eval(), ckpt
