"""Small, deterministic models of each architecture for the property tests."""
from __future__ import annotations

import pytest
import torch

from attnmvp import ARCHITECTURES, Config, build_model
from attnmvp.ranker import Ranker

torch.set_num_threads(2)

NUM_ITEMS = 40
MAX_HISTORY = 12


def small_model(architecture: str, seed: int = 0, action_norm: bool = True) -> Ranker:
    torch.manual_seed(seed)
    cfg = Config(architecture=architecture, num_items=NUM_ITEMS, d_model=16, n_layers=2, n_heads=2,
                 max_history=MAX_HISTORY, dropout=0.0, action_norm=action_norm)
    return build_model(cfg).eval()


@pytest.fixture(scope="session", params=[(arch, norm) for arch in ARCHITECTURES for norm in (True, False)],
                ids=lambda p: f"{p[0]}-{'action_norm' if p[1] else 'raw_actions'}")
def model(request: pytest.FixtureRequest) -> Ranker:
    """Every architecture, with and without the action LayerNorm: both paths must keep every property."""
    architecture, action_norm = request.param
    return small_model(architecture, action_norm=action_norm)


def random_inputs(gen: torch.Generator, b: int, n: int, c: int, lengths: list[int] | None = None
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-padded histories (random lengths 0..n unless given) and candidates, unknown ids included."""
    item_ids = torch.randint(1, NUM_ITEMS, (b, n), generator=gen)
    action_ids = torch.randint(0, 5, (b, n), generator=gen)  # 4 = unknown action
    if lengths is None:
        lengths = torch.randint(0, n + 1, (b,), generator=gen).tolist()
    history_mask = torch.arange(n)[None, :] < torch.tensor(lengths)[:, None]
    candidate_ids = torch.randint(1, NUM_ITEMS, (b, c), generator=gen)
    return item_ids, action_ids, history_mask, candidate_ids
