"""AttnLFA (late fusion): a causal transformer over item tokens, then one action-pooling layer.

The transformer sees items only (t sees items j <= t; a candidate sees the history and
itself). Then one attention pooling whose queries and keys are the item states and whose
values are the normalised action embeddings, under a strict mask (t pools actions of j < t; a candidate
pools all history actions). The prediction reads the item state plus the pooled actions.
"""
from __future__ import annotations

import math


import torch
import torch.nn as nn

from .blocks import Block, attention_mask, masked_attention
from .config import Config
from .ranker import Ranker


class ActionPooling(nn.Module):
    """Attention with item-state queries and keys and action-embedding values."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.n_heads = cfg.n_heads
        self.scale = 1.0 / math.sqrt(cfg.d_model // cfg.n_heads)
        self.ln = nn.LayerNorm(cfg.d_model)
        self.qk = nn.Linear(cfg.d_model, 2 * cfg.d_model)
        self.value = nn.Linear(cfg.d_model, cfg.d_model)
        self.out = nn.Linear(cfg.d_model, cfg.d_model)
        self.dropout = nn.Dropout(cfg.dropout)

    def split_heads(self, x: torch.Tensor) -> torch.Tensor:
        b, l, d = x.shape
        return x.view(b, l, self.n_heads, d // self.n_heads).transpose(1, 2)  # (B, H, L, dh)

    def forward(self, x: torch.Tensor, actions: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
        """x: (B, L, d) item states; actions: (B, L, d); allowed: [B, L, L] x bool. Returns (B, L, d)."""
        q, k = self.qk(self.ln(x)).chunk(2, dim=-1)  # 2 x (B, L, d)
        v = self.value(actions)  # (B, L, d)
        y = masked_attention(self.split_heads(q), self.split_heads(k), self.split_heads(v), allowed, self.scale)
        return self.dropout(self.out(y.transpose(1, 2).flatten(2)))  # (B, L, d)


class AttnLFA(Ranker):
    def __init__(self, cfg: Config):
        super().__init__(cfg)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layers)])
        self.pool = ActionPooling(cfg)

    def encode(self, item_ids: torch.Tensor, action_ids: torch.Tensor, history_mask: torch.Tensor,
               candidate_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        n = item_ids.size(1)
        x = self.drop(self.embed.item_sequence(item_ids, history_mask, candidate_ids))  # (B, N + C, d)
        items_allowed = attention_mask(history_mask, candidate_ids, see_self=True)  # (B, N + C, N + C)
        for block in self.blocks:
            x = block(x, items_allowed)
        actions = self.embed.action_sequence(action_ids, candidate_ids)  # (B, N + C, d)
        pool_allowed = attention_mask(history_mask, candidate_ids, see_self=False)
        x = x + self.pool(x, actions, pool_allowed)  # late fusion of item state and past actions
        return x[:, :n], x[:, n:]
