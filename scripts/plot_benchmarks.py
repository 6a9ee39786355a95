"""Renders the benchmark plots (docs/img/*.png) from the benchmarks' CSV files (docs/benchmark-data/*.csv).

Each plot reads one CSV; a plot whose CSV is missing or empty is skipped with a message, so this runs at
any stage of the benchmark suite. Run with Debian's matplotlib: /usr/bin/python3 scripts/plot_benchmarks.py
(or scripts/bench.sh plots).
"""
import csv
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "docs" / "benchmark-data"
IMG_DIR = ROOT / "docs" / "img"

Rows = list[dict[str, str]]
ARCHITECTURES = {"attn_mvp": "AttnMVP", "attn_lfa": "AttnLFA", "interleaved": "interleaved"}


def read_rows(path: Path) -> Rows:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def plot_model_cost(rows: Rows, fig: plt.Figure) -> None:
    """Cost per user vs history length N at C = 100, one line per architecture and batch size (B = 1, 32)."""
    ax = fig.subplots()
    devices = sorted({r["device"] for r in rows})
    for device in devices:
        for arch, label in ARCHITECTURES.items():
            for b, style in (("1", "o-"), ("32", "s--")):
                cells = sorted((int(r["N"]), float(r["ms_median"]) / int(b)) for r in rows
                               if r["architecture"] == arch and r["C"] == "100" and r["B"] == b
                               and r["threads"] == "1" and r["device"] == device and r["ms_median"])
                if cells:
                    n, ms = zip(*cells)
                    name = f"{label}, B = {b}" + (f" ({device})" if len(devices) > 1 else "")
                    ax.plot(n, ms, style, label=name)
    ax.set(xscale="log", yscale="log", xlabel="history length N", ylabel="ms per user (batch latency / B)",
           title="Model cost vs N (C = 100 candidates, 1 thread)")
    ax.set_xticks([64, 256, 1024], ["64", "256", "1024"])
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")


def plot_scoring_ceiling(rows: Rows, fig: plt.Figure) -> None:
    """Users/s and scorings/s vs batch size, one line per batching policy (mixed shapes, split by shape)."""
    left, right = fig.subplots(1, 2)
    for split, label in (("false", "one call per batch"), ("true", "batch split by shape (the job)")):
        cells = sorted((int(r["batch_size"]), float(r["users_per_s"]), float(r["scorings_per_s"]))
                       for r in rows if r.get("split_by_shape", "false") == split)
        if not cells:
            continue
        b, users, scorings = zip(*cells)
        left.plot(b, users, "o-", label=label)
        right.plot(b, scorings, "o-", label=label)
    left.set(xscale="log", xlabel="batch size (users per ONNX call)", ylabel="users/s", title="Users scored per second")
    right.set(xscale="log", xlabel="batch size (users per ONNX call)", ylabel="scorings/s",
              title="Candidates scored per second")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")


def plot_scoring_latency(rows: Rows, fig: plt.Figure) -> None:
    """p50 / p99 / p99.9 latency vs achieved load."""
    cells = sorted((float(r["achieved_per_s"]), float(r["p50_ms"]), float(r["p99_ms"]), float(r["p999_ms"]))
                   for r in rows)
    achieved, p50, p99, p999 = zip(*cells)
    ax = fig.subplots()
    for values, label in ((p50, "p50"), (p99, "p99"), (p999, "p99.9")):
        ax.plot(achieved, values, "o-", label=label)
    ax.set(yscale="log", xlabel="load (events/s, one scoring each)", ylabel="latency (ms)", title="Scoring latency vs load")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()


def plot_user_scale(rows: Rows, fig: plt.Figure) -> None:
    """State bytes per user, and checkpoint and restore times, vs the number of users."""
    size, time = fig.subplots(1, 2)
    for i, variant in enumerate(sorted({r["variant"] for r in rows})):
        cells = sorted((int(r["users"]), r) for r in rows if r["variant"] == variant)
        users = [u for u, _ in cells]
        color = f"C{i}"  # one colour per variant, one line style per quantity
        size.plot(users, [float(r["compacted_sst_bytes_per_user"]) for _, r in cells], "o-", color=color,
                  label=f"{variant}: SST, compacted")
        size.plot(users, [float(r["value_bytes_per_user"]) for _, r in cells], "x:", color=color,
                  label=f"{variant}: packed value")
        time.plot(users, [float(r["full_checkpoint_s"]) for _, r in cells], "o-", color=color,
                  label=f"{variant}: full checkpoint")
        time.plot(users, [float(r["incremental_checkpoint_s"]) for _, r in cells], "s--", color=color,
                  label=f"{variant}: incremental (1% updated)")
        time.plot(users, [float(r["restore_s"]) for _, r in cells], "^:", color=color, label=f"{variant}: restore")
    size.set(xscale="log", xlabel="users", ylabel="bytes per user", title="Sequence state per user", ylim=(0, None))
    time.set(xscale="log", yscale="log", xlabel="users", ylabel="seconds", title="Checkpoint and restore")
    for ax in (size, time):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")


def plot_soak(rows: Rows, fig: plt.Figure) -> None:
    """State size, memory and checkpoint duration over the soak's half hour."""
    minutes = [float(r["minute"]) for r in rows]
    state, memory, checkpoint = fig.subplots(1, 3)
    state.plot(minutes, [int(r["state_size_bytes"]) / 2**20 for r in rows], "o-", markersize=3)
    state.set(xlabel="minute", ylabel="MiB", title="Checkpointed state size", ylim=(0, None))
    memory.plot(minutes, [int(r["rss_mb"]) for r in rows], "o-", markersize=3, label="process RSS")
    memory.plot(minutes, [int(r["heap_low_mb"]) for r in rows], "s-", markersize=3, label="heap, low point per 30 s")
    memory.set(xlabel="minute", ylabel="MiB", title="Memory of the job's JVM", ylim=(0, None))
    memory.legend(fontsize="small")
    checkpoint.plot(minutes, [int(r["checkpoint_duration_ms"]) for r in rows], "o-", markersize=3)
    checkpoint.set(xlabel="minute", ylabel="ms", title="Latest checkpoint's duration", ylim=(0, None))
    for ax in (state, memory, checkpoint):
        ax.grid(True, alpha=0.3)


PLOTS: list[tuple[str, str, Callable[[Rows, plt.Figure], None], tuple[float, float]]] = [
    ("model-cost.csv", "model-cost-vs-n.png", plot_model_cost, (7, 5)),
    ("scoring-ceiling.csv", "scoring-throughput-vs-batch.png", plot_scoring_ceiling, (11, 4.5)),
    ("scoring-latency.csv", "scoring-latency-vs-load.png", plot_scoring_latency, (7, 5)),
    ("user-scale.csv", "state-size-vs-users.png", plot_user_scale, (12, 5)),
    ("soak.csv", "soak.png", plot_soak, (14, 4)),
]


def main(data_dir: Path = DATA_DIR, img_dir: Path = IMG_DIR) -> list[Path]:
    """Renders every plot whose CSV has rows; returns the files written."""
    img_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for csv_name, png_name, plot, size in PLOTS:
        source = data_dir / csv_name
        rows = read_rows(source) if source.is_file() else []
        if not rows:
            print(f"skipped {png_name}: no data in {source}")
            continue
        fig = plt.figure(figsize=size, layout="constrained")
        plot(rows, fig)
        fig.savefig(img_dir / png_name, dpi=100)
        plt.close(fig)
        written.append(img_dir / png_name)
        print(f"wrote {img_dir / png_name} from {source}")
    return written


if __name__ == "__main__":
    main()
