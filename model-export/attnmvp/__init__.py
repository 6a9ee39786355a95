"""AttnMVP, AttnLFA and the interleaved HSTU-style baseline: training, evaluation, ONNX export."""
from __future__ import annotations

from .attn_lfa import AttnLFA
from .attn_mvp import AttnMVP
from .config import ARCHITECTURES, Config
from .interleaved import Interleaved
from .ranker import Ranker

MODELS: dict[str, type[Ranker]] = {"interleaved": Interleaved, "attn_lfa": AttnLFA, "attn_mvp": AttnMVP}
assert set(MODELS) == set(ARCHITECTURES)


def build_model(cfg: Config) -> Ranker:
    return MODELS[cfg.architecture](cfg)
