"""Command line: train, evaluate, export, stamp, compare, release.

Run from model-export/ with Debian's Python:  /usr/bin/python3 -m attnmvp <command> --help
Every Config field is a flag (--d-model 32, --epochs 2, ...), so any run can be reproduced.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import sys
from pathlib import Path
from typing import Any

import torch

from .config import ARCHITECTURES, Config
from .data import (DEFAULT_DATA_DIR, EVENT_STREAM_FILE, MovieLens, event_stream, event_stream_digest,
                   load_movielens)
from .export import export, stamp
from .protocol import ABLATION_SEEDS, SEEDS, run_protocol
from .report import comparison_markdown, machine, model_card
from .runs import RUNS_DIR, train_and_save
from .train import action_metrics, evaluate, load_checkpoint

MODEL_EXPORT = Path(__file__).resolve().parents[1]
MODELS_DIR = MODEL_EXPORT / "models"
REPORT_PATH = MODEL_EXPORT.parent / "docs" / "model-quality.md"
DERIVED = {"architecture", "num_items", "action_names", "seed"}  # set by the command, not by flags


def boolean(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")
    return text.lower() == "true"


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    defaults = Config()
    for f in dataclasses.fields(Config):
        if f.name not in DERIVED:
            default = getattr(defaults, f.name)
            parser.add_argument("--" + f.name.replace("_", "-"), type=boolean if isinstance(default, bool) else type(default),
                                default=default, help=f"default {default}")


def config_from(args: argparse.Namespace, architecture: str, num_items: int, seed: int) -> Config:
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(Config) if f.name not in DERIVED}
    return Config(architecture=architecture, num_items=num_items, seed=seed, **values)


def log(msg: str) -> None:
    print(msg, flush=True)


def command_line() -> str:
    return "/usr/bin/python3 -m attnmvp " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def load_data(args: argparse.Namespace, cfg: Config | None = None) -> MovieLens:
    source = cfg or args
    return load_movielens(args.data, source.eval_fraction, source.valid_fraction)


def cmd_train(args: argparse.Namespace) -> None:
    data = load_data(args)
    cfg = config_from(args, args.arch, data.num_items, args.seed)
    _, ckpt = load_checkpoint(train_and_save(cfg, data, args.runs, log))
    log(json.dumps(ckpt["curve"], indent=2))


def cmd_evaluate(args: argparse.Namespace) -> None:
    model, ckpt = load_checkpoint(args.checkpoint)
    torch.set_num_threads(model.cfg.threads)
    data = load_data(args, model.cfg)
    assert ckpt["vocab"] == data.vocab, "checkpoint was trained on another split or data set"
    logits, labels, _ = evaluate(model, data, args.semantics)
    log(json.dumps(action_metrics(logits, labels, model.cfg.action_names), indent=2))


def cmd_export(args: argparse.Namespace) -> None:
    cfg = Config.from_dict(torch.load(args.checkpoint, map_location="cpu")["config"])
    torch.set_num_threads(cfg.threads)
    data = load_data(args, cfg)
    for kind, path in export(args.checkpoint, args.out, data, args.parity_cases).items():
        log(f"wrote {kind}: {path}")


def cmd_stream_digest(args: argparse.Namespace) -> None:
    args.out.write_text(json.dumps(event_stream_digest(event_stream(args.data)), indent=1) + "\n")
    log(f"wrote {args.out}")


def cmd_stamp(args: argparse.Namespace) -> None:
    for path in args.files:
        stamp(path)
        log(f"stamped {path}")


def cmd_compare(args: argparse.Namespace) -> None:
    data = load_data(args)
    saved = args.runs / "compare-results.json"
    if args.from_results:
        results = json.loads(args.from_results.read_text())
    else:
        base = config_from(args, "attn_mvp", data.num_items, 0)
        command = command_line()

        def save(results: dict[str, Any]) -> None:
            results.update(command=command, machine=machine(base.threads))
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(json.dumps(results, indent=1))

        results = run_protocol(base, args.data, args.runs, args.jobs, log, save, tuple(args.seeds),
                               tuple(args.ablation_seeds), tuple(args.ablation_architectures))
        save(results)
        log(f"raw results in {saved}")
    text, figure = comparison_markdown(results, data, args.out.parent / "img")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    log(f"wrote {args.out} and {figure}")


def cmd_release(args: argparse.Namespace) -> None:
    """Export the seed-0 run of each architecture at its chosen learning rate, with its test figures."""
    results = json.loads(args.results.read_text())
    # Every run of the protocol shares the split, so the data is read once.
    data = load_data(args, Config.from_dict(results["base_config"]))
    checkpoints = {}
    for record in results["seeds_runs"]:
        if record["config"]["seed"] != 0:
            continue
        model, ckpt = load_checkpoint(Path(record["checkpoint"]))
        torch.set_num_threads(model.cfg.threads)
        paths = export(Path(record["checkpoint"]), args.out, data, args.parity_cases,
                       metrics=record["test"]["serving"]["metrics"])
        for kind, out in paths.items():
            log(f"wrote {kind}: {out}")
        checkpoints[model.cfg.architecture] = ckpt
    card = args.out / "MODEL_CARD.md"
    card.write_text(model_card(checkpoints, results, data, command_line(),
                               event_stream_digest(event_stream(args.data)), args.parity_cases))
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

    p = sub.add_parser("evaluate", help="metrics of a checkpoint on the test period")
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--semantics", choices=("serving", "windowed"), default="serving")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("export", help="write <arch>.onnx and <arch>.parity.json for a checkpoint")
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--out", type=Path, default=MODELS_DIR)
    p.add_argument("--parity-cases", type=int, default=240)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stream-digest", help="write the digest of the event stream the Java replay is tested against")
    p.add_argument("--out", type=Path, default=EVENT_STREAM_FILE)
    p.set_defaults(func=cmd_stream_digest)

    p = sub.add_parser("stamp", help="add or refresh the sha256 metadata entry of exported .onnx files in place")
    p.add_argument("files", type=Path, nargs="+")
    p.set_defaults(func=cmd_stamp)

    p = sub.add_parser("compare", help="the whole protocol: search, seeds, ablation, test; writes the report")
    p.add_argument("--runs", type=Path, default=RUNS_DIR)
    p.add_argument("--jobs", type=int, default=2, help="runs trained at once, one thread each")
    p.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    p.add_argument("--ablation-seeds", type=int, nargs="+", default=list(ABLATION_SEEDS))
    p.add_argument("--ablation-architectures", nargs="+", choices=ARCHITECTURES, default=list(ARCHITECTURES))
    p.add_argument("--out", type=Path, default=REPORT_PATH)
    p.add_argument("--from-results", type=Path, help="only render the report from a saved compare-results.json")
    add_config_flags(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("release", help="export the seed-0 models of a comparison and write the model card")
    p.add_argument("--results", type=Path, default=RUNS_DIR / "compare-results.json")
    p.add_argument("--out", type=Path, default=MODELS_DIR)
    p.add_argument("--parity-cases", type=int, default=240)
    p.set_defaults(func=cmd_release)

    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
