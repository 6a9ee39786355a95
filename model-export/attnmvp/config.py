"""Every hyper-parameter of a run, in one dataclass.

The checkpoint stores this object (as a dict) next to the weights; `export` and `evaluate`
rebuild the model from it, and the ONNX file carries it in its `hyperparameters` metadata.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

ARCHITECTURES = ("interleaved", "attn_lfa", "attn_mvp")
ACTION_NAMES = ("dislike", "neutral", "like", "tag")  # index order is part of the model contract
CODE_VERSION = "1.1.0"  # semver of this package's model code; bump when the model changes


@dataclass
class Config:
    # model
    architecture: str = "attn_mvp"  # one of ARCHITECTURES; the only thing that differs between runs
    num_items: int = 0  # item embedding rows = len(vocab) + 2 (0 = padding, 1 = unknown); set from data
    action_names: list[str] = field(default_factory=lambda: list(ACTION_NAMES))
    d_model: int = 64  # width of every token state and embedding
    n_layers: int = 2  # transformer layers (AttnLFA adds one action-pooling layer on top)
    n_heads: int = 2  # attention heads; d_model must be divisible by it
    mlp_ratio: int = 4  # hidden width of the feed-forward block = mlp_ratio * d_model
    max_history: int = 256  # N: longest history the model is trained for (and serves)
    dropout: float = 0.1
    action_norm: bool = True  # LayerNorm on action embeddings, so actions enter at the scale items do
    # training
    epochs: int = 10  # at most; the epoch with the lowest validation loss is kept
    patience: int = 2  # stop after this many epochs without a lower validation loss
    batch_size: int = 32  # windows per optimiser step
    lr: float = 2e-3
    weight_decay: float = 0.01
    warmup_steps: int = 50  # linear warm-up, then cosine decay to 10% over the run
    unknown_input_rate: float = 0.02  # share of input items/actions replaced by the unknown index,
    # so the out-of-vocabulary rows the serving path relies on are trained rather than random
    seed: int = 0
    threads: int = 1  # torch intra-op threads; fixed, so epoch times are comparable between runs
    # data
    eval_fraction: float = 0.2  # the latest 20% of each user's events are the test period
    valid_fraction: float = 0.1  # the latest 10% of each user's remaining events are the validation period
    max_steps: int = 0  # stop after this many optimiser steps (0 = no limit); for smoke tests

    def __post_init__(self) -> None:
        assert self.architecture in ARCHITECTURES, f"architecture must be one of {ARCHITECTURES}, got {self.architecture!r}"
        assert self.d_model % self.n_heads == 0, f"d_model={self.d_model} not divisible by n_heads={self.n_heads}"
        assert self.max_history >= 1, "max_history must be >= 1"
        assert 0.0 < self.eval_fraction < 1.0, "eval_fraction must be in (0, 1)"
        assert 0.0 < self.valid_fraction < 1.0, "valid_fraction must be in (0, 1)"
        assert self.epochs >= 1 and self.patience >= 1, "epochs and patience must be >= 1"

    @property
    def num_actions(self) -> int:
        """A: the number of trained actions; index A is the unknown action."""
        return len(self.action_names)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Config":
        return cls(**d)
