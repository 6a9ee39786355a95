"""The comparison protocol: selection on the validation period only, the test period read once.

1. Learning-rate search: every architecture is trained at each of LEARNING_RATES with seed 0
   (the same budget for each); the rate with the lowest validation loss is kept.
2. Seeds: every architecture is trained with SEEDS at its chosen rate (the seed-0 run of the
   search is reused); these are the compared, and the seed-0 ones the shipped, models. Each is
   then evaluated on the test period, with serving semantics and windowed; nothing is chosen
   after stage 1, so this is the only time the test period is read.
3. Ablation: the same runs without the action LayerNorm, on ABLATION_SEEDS, judged on validation.
Runs are independent processes with one thread each, `jobs` at a time.
"""
from __future__ import annotations

import dataclasses
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from .config import ACTION_NAMES, ARCHITECTURES, Config
from .data import DEFAULT_DATA_DIR, MovieLens, load_movielens
from .runs import RUNS_DIR, reuse_or_train
from .train import action_metrics, evaluate, load_checkpoint

LEARNING_RATES = (1e-3, 2e-3)
SEEDS = (0, 1, 2, 3, 4)
ABLATION_SEEDS = (0, 1)
SEMANTICS = ("serving", "windowed")
PROPOSALS = ("attn_lfa", "attn_mvp")
TAG = ACTION_NAMES.index("tag")


def per_user_sums(logits: np.ndarray, labels: np.ndarray, users: np.ndarray, n_users: int) -> dict[str, list]:
    """Per user: events, summed BCE per action, positives per action; enough to recompute NE on any
    resample of users (the bootstrap)."""
    y = np.eye(logits.shape[1])[labels]  # (M, A)
    bce = y * np.logaddexp(0.0, -logits) + (1.0 - y) * np.logaddexp(0.0, logits)  # (M, A)
    events = np.bincount(users, minlength=n_users)
    bce_sum = np.stack([np.bincount(users, bce[:, a], minlength=n_users) for a in range(logits.shape[1])], 1)
    positives = np.stack([np.bincount(users, y[:, a], minlength=n_users) for a in range(logits.shape[1])], 1)
    return {"events": events.tolist(), "bce_sum": bce_sum.tolist(), "positives": positives.tolist()}


def tag_by_user(logits: np.ndarray, labels: np.ndarray, users: np.ndarray, data: MovieLens) -> dict[str, Any]:
    """Tag NE and AUC for the user with the most test tags, and for everyone else."""
    top = int(np.bincount(users[labels == TAG], minlength=len(data.users)).argmax())
    out: dict[str, Any] = {"top_user": data.users[top].user_id,
                           "top_user_share": float(np.mean(users[labels == TAG] == top))}
    for name, rows in (("top_user", users == top), ("other_users", users != top)):
        out[name + "_tag"] = action_metrics(logits[rows], labels[rows], list(ACTION_NAMES))["tag"]
    return out


def run_job(cfg_dict: dict[str, Any], data_dir: str, root: str, test: bool) -> dict[str, Any]:
    """Train (or reuse) one run; with `test`, also its test-period figures. Runs in a worker process."""
    cfg = Config.from_dict(cfg_dict)
    torch.set_num_threads(cfg.threads)
    data = load_movielens(Path(data_dir), cfg.eval_fraction, cfg.valid_fraction)
    tag = f"[{cfg.architecture} lr {cfg.lr} seed {cfg.seed}{'' if cfg.action_norm else ' no-norm'}]"
    path = reuse_or_train(cfg, data, Path(root), lambda msg: print(f"{tag} {msg}", flush=True))
    model, ckpt = load_checkpoint(path)
    record = {"config": cfg.to_dict(), "checkpoint": str(path), "curve": ckpt["curve"],
              "best_epoch": ckpt["best_epoch"], "steps": ckpt["steps"], "epoch_seconds": ckpt["epoch_seconds"],
              "parameters": ckpt["parameters"], "valid": ckpt["curve"][ckpt["best_epoch"] - 1]}
    cached = path.parent / "test.json"
    if test and cached.exists():
        record["test"] = json.loads(cached.read_text())
    elif test:
        record["test"] = {}
        for semantics in SEMANTICS:
            start = time.perf_counter()
            logits, labels, users = evaluate(model, data, semantics)
            figures = {"metrics": action_metrics(logits, labels, cfg.action_names),
                       "seconds": time.perf_counter() - start}
            if semantics == "serving":
                figures["per_user"] = per_user_sums(logits, labels, users, len(data.users))
                figures["tag_by_user"] = tag_by_user(logits, labels, users, data)
            record["test"][semantics] = figures
            print(f"{tag} test ({semantics}): NE {figures['metrics']['overall']['ne']:.4f}", flush=True)
        cached.write_text(json.dumps(record["test"]))
    return record


def run_all(configs: list[tuple[Config, bool]], data_dir: Path, root: Path, jobs: int,
            done: Callable[[dict[str, Any]], None] = lambda record: None) -> list[dict[str, Any]]:
    """Run jobs in parallel worker processes, seed by seed and the costliest architecture first within
    a seed, so that an interrupted run leaves whole seeds; `done` sees each record as it finishes.
    Returns the records in input order."""
    order = sorted(range(len(configs)), key=lambda i: (configs[i][0].seed, configs[i][0].architecture != "interleaved"))
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(run_job, configs[i][0].to_dict(), str(data_dir), str(root), configs[i][1]): i
                   for i in order}
        records: dict[int, dict[str, Any]] = {}
        for future in as_completed(futures):
            records[futures[future]] = future.result()
            done(records[futures[future]])
        return [records[i] for i in range(len(configs))]


def run_protocol(base: Config, data_dir: Path = DEFAULT_DATA_DIR, root: Path = RUNS_DIR, jobs: int = 2,
                 log: Callable[[str], None] = print, save: Callable[[dict[str, Any]], None] = lambda r: None,
                 seeds: tuple[int, ...] = SEEDS, ablation_seeds: tuple[int, ...] = ABLATION_SEEDS,
                 ablation_architectures: tuple[str, ...] = ARCHITECTURES) -> dict[str, Any]:
    """All three stages; `save` receives the results whenever they grow, so a partial run is kept."""
    start = time.perf_counter()
    variant = lambda arch, **kw: dataclasses.replace(base, architecture=arch, **kw)  # noqa: E731
    results: dict[str, Any] = {"base_config": base.to_dict(), "learning_rates": list(LEARNING_RATES),
                               "seeds": list(seeds), "ablation_seeds": list(ablation_seeds), "jobs": jobs}

    log("stage 1: learning-rate search on validation, seed 0")
    search = run_all([(variant(a, lr=lr, seed=0), False) for a in ARCHITECTURES for lr in LEARNING_RATES],
                     data_dir, root, jobs)
    results["search"] = search
    chosen = {a: min((r for r in search if r["config"]["architecture"] == a),
                     key=lambda r: r["valid"]["valid_bce"])["config"]["lr"] for a in ARCHITECTURES}
    results["chosen_lr"] = chosen
    log(f"chosen learning rates: {chosen}")
    save(results)

    log("stage 2: seeds at the chosen rates, then their test figures")
    results["seeds_runs"] = []

    def finished(record: dict[str, Any]) -> None:
        results["seeds_runs"].append(record)
        results["minutes"] = (time.perf_counter() - start) / 60
        save(results)

    run_all([(variant(a, lr=chosen[a], seed=s), True) for s in seeds for a in ARCHITECTURES],
            data_dir, root, jobs, finished)
    results["minutes"] = (time.perf_counter() - start) / 60
    save(results)

    log("stage 3: ablation without the action LayerNorm, on validation (interleaved last: the costliest)")
    results["ablation"] = []
    for group in (PROPOSALS, ("interleaved",)):
        group = tuple(a for a in group if a in ablation_architectures)
        results["ablation"] += run_all([(variant(a, lr=chosen[a], seed=s, action_norm=False), False)
                                        for s in ablation_seeds for a in group], data_dir, root, jobs)
        results["minutes"] = (time.perf_counter() - start) / 60
        save(results)
    return results
