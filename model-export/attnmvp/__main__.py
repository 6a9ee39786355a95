"""Command line: train, evaluate, export, stamp, compare, release.

Run from model-export/ with Debian's Python:  /usr/bin/python3 -m attnmvp <command> --help
Every Config field is a flag (--d-model 32, --epochs 2, ...), so any run can be reproduced.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch

from .config import ARCHITECTURES, Config
from .data import DEFAULT_DATA_DIR, MovieLens, load_movielens
from .export import export, stamp
from .report import comparison_markdown, inference_ms, machine, model_card, serving_batch
from .runs import RUNS_DIR, reuse_or_train, train_and_save
from .train import evaluate, load_checkpoint

MODEL_EXPORT = Path(__file__).resolve().parents[1]
MODELS_DIR = MODEL_EXPORT / "models"
REPORT_PATH = MODEL_EXPORT.parent / "docs" / "model-quality.md"
DERIVED = {"architecture", "num_items", "action_names", "seed"}  # set by the command, not by flags


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    defaults = Config()
    for f in dataclasses.fields(Config):
        if f.name not in DERIVED:
            parser.add_argument("--" + f.name.replace("_", "-"), type=type(getattr(defaults, f.name)),
                                default=getattr(defaults, f.name), help=f"default {getattr(defaults, f.name)}")


def config_from(args: argparse.Namespace, architecture: str, num_items: int, seed: int) -> Config:
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(Config) if f.name not in DERIVED}
    return Config(architecture=architecture, num_items=num_items, seed=seed, **values)


def log(msg: str) -> None:
    print(msg, flush=True)


def command_line() -> str:
    return "/usr/bin/python3 -m attnmvp " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def cmd_train(args: argparse.Namespace) -> None:
    data = load_movielens(args.data, args.eval_fraction)
    cfg = config_from(args, args.arch, data.num_items, args.seed)
    _, ckpt = load_checkpoint(train_and_save(cfg, data, args.runs, log))
    log(json.dumps(ckpt["metrics"], indent=2))


def cmd_evaluate(args: argparse.Namespace) -> None:
    model, ckpt = load_checkpoint(args.checkpoint)
    torch.set_num_threads(model.cfg.threads)
    data = load_movielens(args.data, model.cfg.eval_fraction)
    assert ckpt["vocab"] == data.vocab, "checkpoint was trained on another split or data set"
    metrics = evaluate(model, data)
    log(json.dumps(metrics, indent=2))


def cmd_export(args: argparse.Namespace) -> None:
    cfg = Config.from_dict(torch.load(args.checkpoint, map_location="cpu")["config"])
    torch.set_num_threads(cfg.threads)
    data = load_movielens(args.data, cfg.eval_fraction)
    for kind, path in export(args.checkpoint, args.out, data, args.parity_cases).items():
        log(f"wrote {kind}: {path}")


def cmd_stamp(args: argparse.Namespace) -> None:
    for path in args.files:
        stamp(path)
        log(f"stamped {path}")


def cmd_compare(args: argparse.Namespace) -> None:
    torch.set_num_threads(args.threads)
    data = load_movielens(args.data, args.eval_fraction)
    if args.from_results:
        results = json.loads(args.from_results.read_text())
    else:
        results = run_comparison(args, data)
    text = comparison_markdown(results["runs"], Config.from_dict(results["config"]), data, results["seeds"],
                               results["command"], results["minutes"], results["machine"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    log(f"wrote {args.out}")


def run_comparison(args: argparse.Namespace, data: MovieLens) -> dict[str, Any]:
    """Train every architecture for every seed; raw results also go to runs/compare-results.json."""
    start = time.perf_counter()
    results: dict[str, Any] = {
        "command": command_line(), "seeds": args.seeds, "minutes": 0.0, "machine": machine(args.threads),
        "config": config_from(args, "attn_mvp", data.num_items, args.seeds[0]).to_dict(),
        "runs": {arch: [] for arch in ARCHITECTURES},
    }
    saved = args.runs / "compare-results.json"
    for seed in args.seeds:
        for arch in ARCHITECTURES:  # interleaved by seed, so background load falls on all three alike
            cfg = config_from(args, arch, data.num_items, seed)
            log(f"[seed {seed}] {arch}")
            model, ckpt = load_checkpoint(train_and_save(cfg, data, args.runs, log))
            ms = inference_ms(model, serving_batch(data, cfg))
            m = ckpt["metrics"]["overall"]
            log(f"[seed {seed}] {arch}: BCE {m['bce']:.4f} NE {m['ne']:.4f} AUC {m['auc']:.4f}, "
                f"{statistics.mean(ckpt['epoch_seconds']):.1f} s/epoch, {ms:.1f} ms/batch")
            results["runs"][arch].append({"seed": seed, "metrics": ckpt["metrics"],
                                          "epoch_seconds": ckpt["epoch_seconds"], "inference_ms": ms})
            results["minutes"] = (time.perf_counter() - start) / 60
            saved.write_text(json.dumps(results, indent=1))
    log(f"compared in {results['minutes']:.1f} min; raw results in {saved}")
    return results


def cmd_release(args: argparse.Namespace) -> None:
    torch.set_num_threads(args.threads)
    data = load_movielens(args.data, args.eval_fraction)
    checkpoints = {}
    for arch in ARCHITECTURES:
        cfg = config_from(args, arch, data.num_items, args.seed)
        path = reuse_or_train(cfg, data, args.runs, log)
        for kind, out in export(path, args.out, data, args.parity_cases).items():
            log(f"wrote {kind}: {out}")
        checkpoints[arch] = torch.load(path, map_location="cpu")
    card = args.out / "MODEL_CARD.md"
    card.write_text(model_card(checkpoints, data, command_line()))
    log(f"wrote {card}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m attnmvp", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="directory with ratings.csv and tags.csv")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train one architecture, evaluate it, save runs/<...>/checkpoint.pt")
    p.add_argument("--arch", choices=ARCHITECTURES, default="attn_mvp")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--runs", type=Path, default=RUNS_DIR)
    add_config_flags(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="metrics of a checkpoint on the evaluation period")
    p.add_argument("--checkpoint", type=Path, required=True)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("export", help="write <arch>.onnx and <arch>.parity.json for a checkpoint")
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--out", type=Path, default=MODELS_DIR)
    p.add_argument("--parity-cases", type=int, default=240)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stamp", help="add or refresh the sha256 metadata entry of exported .onnx files in place")
    p.add_argument("files", type=Path, nargs="+")
    p.set_defaults(func=cmd_stamp)

    p = sub.add_parser("compare", help="train all three on the same split and budget, write the report")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--runs", type=Path, default=RUNS_DIR)
    p.add_argument("--out", type=Path, default=REPORT_PATH)
    p.add_argument("--from-results", type=Path, help="only render the report from a saved compare-results.json")
    add_config_flags(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("release", help="train (or reuse) the three default models, export them and the model card")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--runs", type=Path, default=RUNS_DIR)
    p.add_argument("--out", type=Path, default=MODELS_DIR)
    p.add_argument("--parity-cases", type=int, default=240)
    add_config_flags(p)
    p.set_defaults(func=cmd_release)

    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
