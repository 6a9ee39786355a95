"""The exportable attention and its masks against plain reference implementations."""
from __future__ import annotations

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.testing import assert_close

from attnmvp.blocks import attention_mask, masked_attention

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None)


def reference_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """One query at a time, softmax over the allowed keys only; zeros when there are none."""
    out = torch.zeros_like(q)
    b_size, h_size, lq, _ = q.shape
    for b in range(b_size):
        for h in range(h_size):
            for i in range(lq):
                keys = allowed[b, i].nonzero().flatten()
                if len(keys) == 0:
                    continue
                w = torch.softmax(q[b, h, i] @ k[b, h, keys].T / math.sqrt(q.size(-1)), dim=-1)
                out[b, h, i] = w @ v[b, h, keys]
    return out


@SETTINGS
@given(b=st.integers(1, 3), h=st.integers(1, 3), lq=st.integers(1, 7), lk=st.integers(1, 7),
       dh=st.integers(1, 8), seed=st.integers(0, 2**31 - 1))
def test_masked_attention_matches_per_query_reference(b: int, h: int, lq: int, lk: int, dh: int, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(b, h, n, dh, generator=gen) for n in (lq, lk, lk))
    allowed = torch.rand(b, lq, lk, generator=gen) < 0.5  # some rows have no allowed key at all
    assert_close(masked_attention(q, k, v, allowed, 1 / math.sqrt(dh)), reference_attention(q, k, v, allowed))


def reference_mask(history_mask: torch.Tensor, c: int, see_self: bool) -> torch.Tensor:
    b_size, k = history_mask.shape
    allowed = torch.zeros(b_size, k + c, k + c, dtype=torch.bool)
    for b in range(b_size):
        for i in range(k + c):
            for j in range(k):
                allowed[b, i, j] = bool(history_mask[b, j]) and (j < i or i >= k)
            allowed[b, i, i] |= see_self
    return allowed


@SETTINGS
@given(b=st.integers(1, 3), k=st.integers(1, 8), c=st.integers(0, 4), see_self=st.booleans(),
       seed=st.integers(0, 2**31 - 1))
def test_attention_mask_follows_the_rules(b: int, k: int, c: int, see_self: bool, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    history_mask = torch.rand(b, k, generator=gen) < 0.7
    candidate_ids = torch.zeros(b, c, dtype=torch.long)
    assert torch.equal(attention_mask(history_mask, candidate_ids, see_self), reference_mask(history_mask, c, see_self))


def test_candidates_never_see_each_other() -> None:
    allowed = attention_mask(torch.ones(1, 3, dtype=torch.bool), torch.zeros(1, 4, dtype=torch.long), see_self=True)
    candidates = allowed[0, 3:, 3:]
    assert torch.equal(candidates, torch.eye(4, dtype=torch.bool))
    assert allowed[0, 3:, :3].all()
