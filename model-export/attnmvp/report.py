"""The comparison report (docs/model-quality.md), its learning-curve figure, and the model card.

Everything here is computed from the results `protocol.run_protocol` saves; nothing is trained.
"""
from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path
from typing import Any

import numpy as np

from .config import ARCHITECTURES, Config
from .data import MovieLens
from .export import model_version, split_description
from .protocol import PROPOSALS

TITLES = {"interleaved": "Interleaved (HSTU-style)", "attn_lfa": "AttnLFA", "attn_mvp": "AttnMVP"}
BOOTSTRAP_SAMPLES = 2000
FIGURE_NAME = "model-quality-curves.png"

Runs = dict[str, list[dict[str, Any]]]  # architecture -> one record per seed, in seed order


def machine(threads: int) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import torch
    return (f"{cpu}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
            f"torch {torch.__version__}, {threads} thread(s) per run")


def by_arch(records: list[dict[str, Any]]) -> Runs:
    out: Runs = {a: [] for a in ARCHITECTURES}
    for r in sorted(records, key=lambda r: r["config"]["seed"]):
        out[r["config"]["architecture"]].append(r)
    return out


def complete_seeds(records: list[dict[str, Any]]) -> list[int]:
    """Seeds for which every architecture has a finished run; only those are compared (paired)."""
    return sorted(set.intersection(*({r["config"]["seed"] for r in records if r["config"]["architecture"] == a}
                                     for a in ARCHITECTURES)))


def mean_sd(values: list[float], fmt: str = "{:.4f}", signed: bool = False) -> str:
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    mean = fmt.replace("{:", "{:+") if signed else fmt
    return f"{mean.format(statistics.mean(values))} ± {fmt.format(spread)}"


def test_ne(record: dict[str, Any], semantics: str = "serving", action: str = "overall") -> float:
    return record["test"][semantics]["metrics"][action]["ne"]


def paired_changes(runs: Runs, arch: str, value) -> list[float]:
    """Per seed, % change of value(record) against the interleaved run of the same seed."""
    return [100 * (value(r) / value(ref) - 1) for r, ref in zip(runs[arch], runs["interleaved"])]


def bootstrap_ne(per_user: dict[str, list], weights: np.ndarray) -> np.ndarray:
    """Overall NE for each row of user weights (S, U): sum of per-action BCE over sum of entropies."""
    events = weights @ np.asarray(per_user["events"], dtype=float)  # (S,)
    bce = weights @ np.asarray(per_user["bce_sum"]) / events[:, None]  # (S, A)
    rate = np.clip(weights @ np.asarray(per_user["positives"]) / events[:, None], 1e-12, 1 - 1e-12)
    entropy = -(rate * np.log(rate) + (1 - rate) * np.log(1 - rate))
    return bce.sum(1) / entropy.sum(1)


def bootstrap_interval(runs: Runs, arch: str, seed: int = 0) -> tuple[float, float]:
    """95% interval of the seed-mean % NE change against interleaved. Each sample resamples the test
    users with replacement (the same users for both models, so the change stays paired) and the seeds
    with replacement, so the interval covers both the choice of users and the training noise."""
    n_users = len(runs["interleaved"][0]["test"]["serving"]["per_user"]["events"])
    n_seeds = len(runs[arch])
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(n_users, np.full(n_users, 1.0 / n_users), size=BOOTSTRAP_SAMPLES).astype(float)
    changes = np.stack([100 * (bootstrap_ne(r["test"]["serving"]["per_user"], weights)
                               / bootstrap_ne(ref["test"]["serving"]["per_user"], weights) - 1)
                        for r, ref in zip(runs[arch], runs["interleaved"])])  # (seeds, samples)
    seeds = rng.integers(0, n_seeds, size=(BOOTSTRAP_SAMPLES, n_seeds))
    means = changes[seeds, np.arange(BOOTSTRAP_SAMPLES)[:, None]].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def best_within(curve: list[dict[str, float]], key: str, budget: float) -> float:
    """Lowest validation NE among the epochs that ended within `budget` (steps or seconds)."""
    within = [c["valid_ne"] for c in curve if c[key] <= budget]
    return min(within) if within else float("nan")


def budget_cell(values: list[float]) -> str:
    """mean ± sd over the runs that finished an epoch within the budget, and how many did not."""
    done = [v for v in values if not np.isnan(v)]
    if not done:
        return "no epoch finished"
    missing = len(values) - len(done)
    return mean_sd(done) + (f" ({missing} of {len(values)} runs: no epoch finished)" if missing else "")


def learning_curves(runs: Runs, ablation: Runs, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"interleaved": "tab:blue", "attn_lfa": "tab:orange", "attn_mvp": "tab:green"}
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, key, label in ((axes[0], "step", "optimiser steps"), (axes[1], "seconds", "training seconds (1 thread)")):
        for arch in ARCHITECTURES:
            for k, r in enumerate(runs[arch]):
                ax.plot([c[key] for c in r["curve"]], [c["valid_ne"] for c in r["curve"]], color=colours[arch],
                        alpha=0.8, lw=1.2, marker="o", ms=3, label=TITLES[arch] if k == 0 else None)
            for k, r in enumerate(ablation.get(arch, [])):
                ax.plot([c[key] for c in r["curve"]], [c["valid_ne"] for c in r["curve"]], color=colours[arch],
                        alpha=0.5, lw=1, ls="--", marker="x", ms=3,
                        label=f"{TITLES[arch]}, raw actions" if k == 0 else None)
        ax.set_xlabel(label)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("validation NE (lower is better)")
    axes[0].legend(fontsize=8)
    fig.suptitle("Validation NE after each epoch, every seed (dashed: without the action LayerNorm)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def comparison_markdown(results: dict[str, Any], data: MovieLens, img_dir: Path) -> tuple[str, Path]:
    """The report and the path of its figure, written from saved protocol results."""
    base = Config.from_dict(results["base_config"])
    seeds = complete_seeds(results["seeds_runs"])
    runs = by_arch([r for r in results["seeds_runs"] if r["config"]["seed"] in seeds])
    search = by_arch(results["search"])
    ablation = by_arch(results.get("ablation", []))
    figure = img_dir / FIGURE_NAME
    learning_curves(runs, ablation, figure)
    n_fit = sum(u.valid for u in data.users)
    n_valid = sum(u.split - u.valid for u in data.users)
    n_test = sum(len(u.items) - u.split for u in data.users)
    actions = base.action_names
    first = runs["interleaved"][0]["test"]["serving"]

    lines = [
        "# Model quality: interleaved vs AttnLFA vs AttnMVP",
        "",
        "Generated by `compare`; do not edit by hand. Regenerate (from `model-export/`) with:",
        "",
        f"    {results['command']}",
        "",
        "(`compare --from-results runs/compare-results.json` re-renders it from the saved results.)",
        "",
        "## Protocol",
        "",
        f"- Data: {data.training_data}; every rating and every tag application is one event, in the order "
        f"the streaming job's replay sends them ({n_fit + n_valid + n_test} events, {len(data.users)} users).",
        f"- Split: {split_description(base)}. {n_fit} fitted, {n_valid} validation and {n_test} test events; "
        f"{len(data.vocab)} items in the vocabulary.",
        f"- Training: d = {base.d_model}, {base.n_layers} layers, {base.n_heads} heads, N = {base.max_history}, "
        f"batch {base.batch_size} windows, AdamW, warm-up then cosine decay over at most {base.epochs} epochs, "
        f"dropout {base.dropout}. After each epoch the validation NE is measured; training stops after "
        f"{base.patience} epochs without a new lowest one and keeps the weights of the lowest.",
        f"- Selection, on validation only: each architecture was trained at learning rates "
        f"{', '.join(str(lr) for lr in results['learning_rates'])} with seed 0 (the same budget for every "
        "architecture, the baseline included) and keeps the rate with the lowest validation loss. Then seeds "
        f"{', '.join(map(str, results['seeds']))} at that rate (seed 0 is the search run itself)"
        + ("." if seeds == results["seeds"] else
           f"; only seeds {', '.join(map(str, seeds))} finished for every architecture in the time this machine "
           "allowed, and only those are compared."),
        "- Test: the test period was read once, after all choices, by the models of those seeds. Each test "
        f"event is predicted from exactly its previous min(t, {base.max_history}) events and its own item, "
        "as the streaming job builds its inputs (**serving**); **windowed** figures (each event seen with "
        f"min(t, {base.max_history // 2 + 1}) to {base.max_history} earlier events, as in training) are shown beside.",
        "- Metrics: BCE in nats per event and action; NE = BCE / entropy of the test base rate (1.0 = no "
        "better than always predicting the base rate; lower is better); AUC per action; overall NE = sum of "
        "BCE over sum of entropies. ± is the sample standard deviation over seeds. Changes against "
        "interleaved are paired by seed; the 95% interval is a bootstrap over test users (the same users for "
        f"both models) and over seeds, {BOOTSTRAP_SAMPLES} samples, of the change averaged over seeds.",
        f"- Machine: {results['machine']}. Each run trains in its own process with one thread, several at a "
        "time; finished runs are reused from `runs/`, so how long `compare` takes depends on what is there. "
        "The machine was shared with other builds and test suites, heavily for most of the runs, so "
        "every time below carries that contention; compare times within this report only.",
        "",
        "## Learning-rate search (validation, seed 0)",
        "",
        "| architecture | " + " | ".join(f"lr {lr}" for lr in results["learning_rates"]) + " | chosen |",
        "| --- |" + " --- |" * len(results["learning_rates"]) + " --- |",
    ]
    for arch in ARCHITECTURES:
        cells = []
        for lr in results["learning_rates"]:
            (r,) = [r for r in search[arch] if r["config"]["lr"] == lr]
            cells.append(f"{r['valid']['valid_ne']:.4f} (epoch {r['best_epoch']})")
        lines.append(f"| {TITLES[arch]} | " + " | ".join(cells) + f" | {results['chosen_lr'][arch]} |")
    lines += ["", "Cells: lowest validation NE and the epoch it was reached in.", ""]

    lines += [
        "## Test period",
        "",
        "| architecture | NE (serving) | AUC (serving) | NE (windowed) | change vs interleaved (serving) "
        "| 95% interval (users, seeds) | change (windowed) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    intervals = {a: bootstrap_interval(runs, a) for a in PROPOSALS}
    for arch in ARCHITECTURES:
        rs = runs[arch]
        row = [mean_sd([test_ne(r) for r in rs]),
               mean_sd([r["test"]["serving"]["metrics"]["overall"]["auc"] for r in rs]),
               mean_sd([test_ne(r, "windowed") for r in rs])]
        if arch == "interleaved":
            row += ["", "", ""]
        else:
            low, high = intervals[arch]
            row += [mean_sd(paired_changes(runs, arch, test_ne), "{:.2f}", signed=True) + "%",
                    f"{low:+.2f}% to {high:+.2f}%",
                    mean_sd(paired_changes(runs, arch, lambda r: test_ne(r, "windowed")), "{:.2f}", signed=True) + "%"]
        lines.append(f"| {TITLES[arch]} | " + " | ".join(row) + " |")
    lines += ["", f"{first['metrics']['events']} test events; seeds {', '.join(map(str, seeds))}.", "",
              "### Per action (serving)", "",
              "| architecture | " + " | ".join(f"{a} NE | {a} AUC" for a in actions) + " |",
              "| --- |" + " --- | --- |" * len(actions)]
    for arch in ARCHITECTURES:
        cells = []
        for a in actions:
            cells.append(mean_sd([test_ne(r, action=a) for r in runs[arch]]))
            cells.append(mean_sd([r["test"]["serving"]["metrics"][a]["auc"] for r in runs[arch]]))
        lines.append(f"| {TITLES[arch]} | " + " | ".join(cells) + " |")
    lines += ["", "Test base rates: " + ", ".join(f"{a} {first['metrics'][a]['base_rate']:.3f}" for a in actions)
              + ".", ""]

    tags = first["tag_by_user"]
    lines += [
        "### `tag` by user (serving)",
        "",
        f"User {tags['top_user']} holds {tags['top_user_share']:.0%} of the test period's tag events, so the tag "
        "figures are shown for that user and for everyone else separately:",
        "",
        f"| architecture | tag NE, user {tags['top_user']} | tag AUC, user {tags['top_user']} "
        "| tag NE, other users | tag AUC, other users |",
        "| --- | --- | --- | --- | --- |",
    ]
    for arch in ARCHITECTURES:
        by_user = [r["test"]["serving"]["tag_by_user"] for r in runs[arch]]
        lines.append(f"| {TITLES[arch]} | " + " | ".join(
            mean_sd([t[f"{who}_tag"][k] for t in by_user]) for who in ("top_user", "other_users")
            for k in ("ne", "auc")) + " |")
    lines.append("")

    lines += ablation_section(by_arch(results["seeds_runs"]), ablation)
    lines += cost_section(runs, figure)
    lines += reading(runs, intervals, base, results)
    return "\n".join(lines) + "\n", figure


def ablation_section(all_runs: Runs, ablation: Runs) -> list[str]:
    """Validation NE with and without the action LayerNorm, paired by seed."""
    lines = [
        "## Ablation: the action LayerNorm (validation)",
        "",
        "The same runs without the LayerNorm on action embeddings (the only difference), at each "
        "architecture's chosen learning rate; judged on validation, since it is a design choice (the test "
        "period is not read for it).",
        "",
        "| architecture | seeds | validation NE with | validation NE without | change from the LayerNorm |",
        "| --- | --- | --- | --- | --- |",
    ]
    for arch in ARCHITECTURES:
        with_norm = {r["config"]["seed"]: r["valid"]["valid_ne"] for r in all_runs[arch]}
        without = {r["config"]["seed"]: r["valid"]["valid_ne"] for r in ablation.get(arch, [])}
        seeds = sorted(set(with_norm) & set(without))
        if not seeds:
            lines.append(f"| {TITLES[arch]} | | | not run: cut for time | |")
            continue
        changes = [100 * (with_norm[s] / without[s] - 1) for s in seeds]
        lines.append(f"| {TITLES[arch]} | {', '.join(map(str, seeds))} | {mean_sd([with_norm[s] for s in seeds])} "
                     f"| {mean_sd([without[s] for s in seeds])} | {mean_sd(changes, '{:.2f}', signed=True)}% |")
    return lines + [""]


def cost_section(runs: Runs, figure: Path) -> list[str]:
    steps_to_best = {a: statistics.median(r["steps"] for r in runs[a]) for a in ARCHITECTURES}
    seconds_to_best = {a: statistics.median(r["curve"][r["best_epoch"] - 1]["seconds"] for r in runs[a])
                       for a in ARCHITECTURES}
    equal_steps = min(steps_to_best.values())
    equal_seconds = min(seconds_to_best.values())
    lines = [
        "## Cost",
        "",
        f"| architecture | parameters | median s/epoch | steps to validation optimum | s to optimum "
        f"| best validation NE within {equal_steps:.0f} steps | within {equal_seconds:.0f} s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for arch in ARCHITECTURES:
        rs = runs[arch]
        lines.append(
            f"| {TITLES[arch]} | {rs[0]['parameters']:,} "
            f"| {statistics.median(s for r in rs for s in r['epoch_seconds']):.1f} "
            f"| {mean_sd([r['steps'] for r in rs], '{:.0f}')} "
            f"| {mean_sd([r['curve'][r['best_epoch'] - 1]['seconds'] for r in rs], '{:.0f}')} "
            f"| {budget_cell([best_within(r['curve'], 'step', equal_steps) for r in rs])} "
            f"| {budget_cell([best_within(r['curve'], 'seconds', equal_seconds) for r in rs])} |")
    serving = {a: statistics.median(r["test"]["serving"]["seconds"] for r in runs[a]) for a in ARCHITECTURES}
    lines += [
        "",
        "Seconds are optimisation only (validation excluded), one thread per run, several runs at a time on a "
        "machine shared with other builds: they show the order of magnitude and the ratio between architectures, not an idle-machine "
        f"figure. Equal steps: {equal_steps:.0f}, the fewest steps any architecture (median over seeds) needs to "
        f"its validation optimum; equal wall clock: {equal_seconds:.0f} s, likewise in seconds. The test "
        "evaluation with serving semantics (one forward pass of up to N + 1 events per test event) took a "
        "median of " + ", ".join(f"{serving[a]:.0f} s ({TITLES[a]})" for a in ARCHITECTURES) + ".",
        "",
        f"![Validation NE against steps and seconds](img/{figure.name})",
        "",
    ]
    return lines


def verdict(interval: tuple[float, float]) -> str:
    """'lower' / 'higher' when the user-level interval excludes zero, else 'not resolved'."""
    low, high = interval
    if high < 0:
        return "lower"
    if low > 0:
        return "higher"
    return "not resolved"


def reading(runs: Runs, intervals: dict[str, tuple[float, float]], base: Config,
            results: dict[str, Any]) -> list[str]:
    """What the figures above show and what they do not, worded from them."""
    changes = {a: paired_changes(runs, a, test_ne) for a in PROPOSALS}
    verdicts = {a: verdict(intervals[a]) for a in PROPOSALS}
    said = []
    for arch in PROPOSALS:
        mean = statistics.mean(changes[arch])
        low, high = intervals[arch]
        if verdicts[arch] == "not resolved":
            said.append(f"{TITLES[arch]}'s NE differs from interleaved by {mean:+.2f}% on average, but the interval "
                        f"({low:+.2f}% to {high:+.2f}%) includes zero: not resolved on this data.")
        else:
            said.append(f"{TITLES[arch]} has a {verdicts[arch]} test NE than interleaved ({mean:+.2f}% on average "
                        f"over seeds, interval {low:+.2f}% to {high:+.2f}%).")
    best = min(ARCHITECTURES, key=lambda a: statistics.mean(test_ne(r) for r in runs[a]))
    lines = [
        "## What this shows and what it does not",
        "",
        "**Shows.** " + " ".join(said) + f" The lowest mean test NE is {TITLES[best]}'s"
        + (", not that of AttnMVP, the job's default." if best != "attn_mvp" else ", the job's default.")
        + " Every choice (learning rate, epoch, the LayerNorm) was made on the validation period.",
        "",
        f"**Does not show.** (1) Anything beyond this data set and model size: {len(runs['interleaved'][0]['test']['serving']['per_user']['events'])} "
        f"users, d = {base.d_model}, {base.n_layers} layers; the test period is one slice of time per user, and "
        "the interval covers users and seeds, not time. (2) A wide search: "
        f"{len(results['learning_rates'])} learning rates on one seed, with batch size, depth, width, dropout "
        "and the number of history events fixed; the ablation uses the rate chosen with the LayerNorm, which "
        "may not be the best rate without it, and it has at most as many seeds as the comparison. (3) Idle-machine speed: the times were taken under contention "
        "from other work on the same cores; only their ratios are meaningful, and even those loosely. (4) Serving "
        "latency: the streaming job's ONNX Runtime figures are in docs/benchmarks.md."
        + (f" (5) The protocol's {len(results['seeds'])} seeds: only {len(runs['interleaved'])} finished for every "
           "architecture in the time this shared machine allowed, so the intervals are wider than they would be."
           if len(runs["interleaved"]) < len(results["seeds"]) else ""),
        "",
        tag_sentence(runs),
        "",
    ]
    return lines


def tag_sentence(runs: Runs) -> str:
    """The tag NE for the user with most test tags and for everyone else, per architecture, in words."""
    by_user = {a: [r["test"]["serving"]["tag_by_user"] for r in runs[a]] for a in ARCHITECTURES}
    user = by_user["interleaved"][0]["top_user"]
    top = ", ".join(f"{TITLES[a]} {statistics.mean(t['top_user_tag']['ne'] for t in by_user[a]):.3f}"
                    for a in ARCHITECTURES)
    others = ", ".join(f"{TITLES[a]} {statistics.mean(t['other_users_tag']['ne'] for t in by_user[a]):.3f}"
                       for a in ARCHITECTURES)
    return (f"**`tag` depends on one user.** Mean tag NE for user {user}: {top}; for all other users: {others}. "
            "Differences in the tag column that appear for that user only are not evidence about tags in general.")


def model_card(checkpoints: dict[str, dict[str, Any]], results: dict[str, Any], data: MovieLens, command: str,
               stream: dict[str, Any], parity_cases: int) -> str:
    """MODEL_CARD.md for the shipped ONNX models; checkpoints: architecture -> checkpoint dict."""
    cfg = Config.from_dict(checkpoints["attn_mvp"]["config"])
    actions = cfg.action_names
    seeds = complete_seeds(results["seeds_runs"])
    runs = by_arch([r for r in results["seeds_runs"] if r["config"]["seed"] in seeds])
    shipped = {a: runs[a][0] for a in ARCHITECTURES}
    mean_ne = {a: statistics.mean(test_ne(r) for r in runs[a]) for a in ARCHITECTURES}
    best = min(mean_ne, key=mean_ne.get)
    lines = [
        "# Model card: the shipped rankers",
        "",
        "Generated by `release`; do not edit by hand. Regenerate (from `model-export/`) with:",
        "",
        f"    {command}",
        "",
        "## Files",
        "",
        "| file | architecture | model_version | learning rate | best epoch | parity file |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for arch in ARCHITECTURES:
        ckpt = checkpoints[arch]
        c = Config.from_dict(ckpt["config"])
        lines.append(f"| `{arch}.onnx` | {TITLES[arch]} | `{model_version(c, ckpt['training_date'])}` | {c.lr} "
                     f"| {ckpt['best_epoch']} | `{arch}.parity.json` |")
    lines += [
        "",
        "`attn_mvp.onnx` is the default model of the streaming job. All three share one signature: inputs "
        "`item_ids` int64 [B, N], `action_ids` int64 [B, N], `history_mask` bool [B, N], `candidate_ids` "
        "int64 [B, C]; output `action_probs` float32 [B, C, A]; ONNX opset 17, B, N and C dynamic. Every file "
        "carries its metadata (`metadata_props`): action names, unknown action index, ranking weights, max "
        "history, item vocabulary, training data, date, test metrics, hyper-parameters, split, and `sha256`, "
        "the digest the streaming job checks the file against at load (re-copy or re-export a file it refuses).",
        "",
        "## Data",
        "",
        f"- {data.training_data}: {stream['events'] - stream['actions']['tag']:,} ratings and "
        f"{stream['actions']['tag']:,} tag applications by {stream['users']} users, each one event, "
        "in the order the streaming job's replay sends them (`event-stream.json` holds the digest both sides "
        "are tested against).",
        "- Actions: rating <= 2.0 `dislike`, 2.5-3.5 `neutral`, >= 4.0 `like`; a tag application is `tag`.",
        f"- Split: {split_description(cfg)}; {len(data.vocab)} items in the vocabulary, index = position + 2 "
        "(0 padding, 1 unknown).",
        "",
        "## Training",
        "",
        "- Objective: at each position t predict the action taken on item i_t from everything before t and "
        "i_t itself; sigmoid BCE per action.",
        f"- d = {cfg.d_model}, {cfg.n_layers} layers, {cfg.n_heads} heads, N = {cfg.max_history}, batch "
        f"{cfg.batch_size}, AdamW with the learning rate chosen on validation, early stopping on validation "
        f"(at most {cfg.epochs} epochs, patience {cfg.patience}), seed {cfg.seed}; action embeddings "
        f"layer-normalised; {cfg.unknown_input_rate:.0%} of input items/actions replaced by the unknown index so "
        "the out-of-vocabulary path is trained.",
        "",
        "## Test period (each event predicted from its previous ≤ N events, as the job serves)",
        "",
        "| model | NE | AUC | " + " | ".join(f"{a} NE | {a} AUC" for a in actions) + " |",
        "| --- | --- | --- |" + " --- | --- |" * len(actions),
    ]
    for arch in ARCHITECTURES:
        m = shipped[arch]["test"]["serving"]["metrics"]
        cells = [f"{m['overall']['ne']:.4f}", f"{m['overall']['auc']:.4f}"]
        cells += [f"{m[a][k]:.4f}" for a in actions for k in ("ne", "auc")]
        lines.append(f"| {arch} | " + " | ".join(cells) + " |")
    verdict_text = (f"On this data {TITLES[best]} has the lowest test NE of the three (mean over "
                    f"{len(runs[best])} seeds: " + ", ".join(f"{TITLES[a]} {mean_ne[a]:.4f}" for a in ARCHITECTURES)
                    + ")")
    if best != "attn_mvp":
        verdict_text += f"; AttnMVP is not the best model here, {TITLES[best]} is"
    lines += [
        "",
        f"These are the seed-0 models; the spread over {len(seeds)} seeds, the intervals, the ablation and the costs "
        "are in `docs/model-quality.md`.",
        "",
        "## Intended use and limits",
        "",
        f"- {verdict_text}. AttnMVP stays the job's default because it is the model the product is built around "
        "and far cheaper to train and serve than the interleaved baseline. The files are interchangeable, so "
        "the job can switch or A/B them by configuration.",
        f"- Each `<architecture>.parity.json` holds {parity_cases} real requests (short, full-length and out-of-vocabulary "
        "cases) with the PyTorch outputs; a scorer that feeds the file correctly matches them within 1e-4.",
        "- A demonstration ranker for the streaming job, trained on a small public data set; not a production "
        "model. Ranking score = sum over `ranking_weights` of weight x probability (`like` by default).",
        "- Items not in the vocabulary (new items) all share the unknown embedding; users with no history get "
        "predictions from the candidate item alone.",
        "- MovieLens ratings are explicit feedback collected on a research site; the action probabilities are "
        "not calibrated for any other population.",
    ]
    return "\n".join(lines) + "\n"
