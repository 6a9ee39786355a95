"""Parts shared by the three architectures: embeddings, masks, attention, blocks, heads.

Every model works on one token sequence `x` (B, L, d) made of K history tokens followed by
C candidate tokens (L = K + C). Keys are the history tokens plus, where an architecture lets a
token see itself, the token itself; a candidate never sees another candidate. All attention
is written as matmul + softmax with boolean masks built from `arange` comparisons, so that
torch 1.13 exports it to ONNX opset 17 with dynamic B, N and C.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn

from .config import Config

MASKED = -1e9  # finite, so a row with every key masked stays finite (it is zeroed after softmax)


class Embeddings(nn.Module):
    """Item, action and position tables, identical in all three architectures.

    Every table starts at std 0.02. Item and position vectors always pass a pre-norm LayerNorm
    before any projection, but AttnMVP projects action vectors straight into its values and
    AttnLFA into its pooled values, where at that scale they start about fifty times smaller
    than the item part and a short training run never recovers the difference. So every
    architecture reads actions through `actions`, which normalises them (cfg.action_norm).
    """

    def __init__(self, cfg: Config):
        super().__init__()
        self.max_history = cfg.max_history
        self.item = nn.Embedding(cfg.num_items, cfg.d_model, padding_idx=0)
        self.action = nn.Embedding(cfg.num_actions + 1, cfg.d_model)  # last row: unknown action
        self.position = nn.Embedding(cfg.max_history + 1, cfg.d_model)  # 0..N-1 history, N the next event
        for table in (self.item, self.action, self.position):
            nn.init.normal_(table.weight, std=0.02)
        self.action_norm = nn.LayerNorm(cfg.d_model) if cfg.action_norm else nn.Identity()

    def actions(self, action_ids: torch.Tensor) -> torch.Tensor:
        """[B, M] action ids -> (B, M, d) action vectors, at unit scale when cfg.action_norm."""
        return self.action_norm(self.action(action_ids))

    def positions(self, history_mask: torch.Tensor, candidate_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Position of each history event (its index) and of each candidate (the next event).

        history_mask: [B, N] x bool; candidate_ids: [B, C] x int64.
        Returns [N] and [B, C] x int64, both capped at max_history.
        """
        history_pos = torch.arange(history_mask.size(1), device=history_mask.device)  # (N,)
        length = history_mask.long().sum(dim=1, keepdim=True)  # (B, 1) real events; padding is on the right
        candidate_pos = torch.zeros_like(candidate_ids) + length  # (B, C)
        # Clamped so a longer history than trained for degrades instead of indexing out of range.
        return history_pos.clamp(max=self.max_history), candidate_pos.clamp(max=self.max_history)

    def items(self, item_ids: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """[B, M] item ids at [M] or [B, M] positions -> (B, M, d) item tokens."""
        return self.item(item_ids) + self.position(positions)

    def item_sequence(self, item_ids: torch.Tensor, history_mask: torch.Tensor,
                      candidate_ids: torch.Tensor) -> torch.Tensor:
        """History items at their positions, then candidates at the next one: (B, N + C, d)."""
        history_pos, candidate_pos = self.positions(history_mask, candidate_ids)
        return torch.cat([self.items(item_ids, history_pos), self.items(candidate_ids, candidate_pos)], dim=1)

    def action_sequence(self, action_ids: torch.Tensor, candidate_ids: torch.Tensor) -> torch.Tensor:
        """History actions, then a filler for candidates: (B, N + C, d).

        Candidates are never attended to as keys, so the filler is never read.
        """
        return self.actions(torch.cat([action_ids, torch.zeros_like(candidate_ids)], dim=1))


def attention_mask(history_mask: torch.Tensor, candidate_ids: torch.Tensor, see_self: bool) -> torch.Tensor:
    """Which key each token may attend to, for K history tokens followed by C candidates.

    A history token at index t sees real history tokens j < t (and itself if see_self); a
    candidate sees every real history token (and itself if see_self), never another candidate.
    history_mask: [B, K] x bool, true on real tokens; candidate_ids: [B, C] x int64.
    Returns [B, K + C, K + C] x bool.
    """
    no_candidate = torch.zeros_like(candidate_ids, dtype=torch.bool)  # (B, C)
    real = torch.cat([history_mask, no_candidate], dim=1)  # (B, L) keys that hold a real event
    is_candidate = torch.cat([torch.zeros_like(history_mask), ~no_candidate], dim=1)  # (B, L)
    index = torch.arange(real.size(1), device=real.device)  # (L,)
    earlier = index[None, :] < index[:, None]  # (L, L) key strictly before query
    allowed = real[:, None, :] & (earlier[None] | is_candidate[:, :, None])  # (B, L, L)
    if see_self:
        allowed = allowed | (index[:, None] == index[None, :])[None]
    return allowed


def masked_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: torch.Tensor,
                     scale: float) -> torch.Tensor:
    """Softmax attention over allowed keys only; a query with no allowed key returns zeros.

    q: (B, H, Lq, dh), k, v: (B, H, Lk, dh), allowed: [B, Lq, Lk] x bool, scale: 1 / sqrt(dh).
    Returns (B, H, Lq, dh).
    """
    allowed = allowed[:, None]  # (B, 1, Lq, Lk)
    logits = (q @ k.transpose(-2, -1)) * scale  # (B, H, Lq, Lk)
    weights = torch.softmax(logits.masked_fill(~allowed, MASKED), dim=-1)
    # Zeroing keeps an all-masked row from averaging over keys it must not see.
    weights = weights * allowed.to(weights.dtype)
    return weights @ v  # (B, H, Lq, dh)


class Attention(nn.Module):
    """Multi-head self-attention under an explicit mask; optionally values mix in actions (AttnMVP)."""

    def __init__(self, cfg: Config, mix_actions: bool = False):
        super().__init__()
        self.n_heads = cfg.n_heads
        self.scale = 1.0 / math.sqrt(cfg.d_model // cfg.n_heads)
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.action_value = nn.Linear(cfg.d_model, cfg.d_model, bias=False) if mix_actions else None
        self.out = nn.Linear(cfg.d_model, cfg.d_model)
        self.dropout = nn.Dropout(cfg.dropout)

    def split_heads(self, x: torch.Tensor) -> torch.Tensor:
        b, l, d = x.shape
        return x.view(b, l, self.n_heads, d // self.n_heads).transpose(1, 2)  # (B, H, L, dh)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor, actions: torch.Tensor | None = None) -> torch.Tensor:
        """x: (B, L, d); allowed: [B, L, L] x bool; actions: (B, L, d) action embeddings. Returns (B, L, d)."""
        q, k, v = self.qkv(x).chunk(3, dim=-1)  # 3 x (B, L, d)
        if self.action_value is not None:
            v = v + self.action_value(actions)  # v_j = W_v h_j + W_a LN(e(a_j))
        y = masked_attention(self.split_heads(q), self.split_heads(k), self.split_heads(v), allowed, self.scale)
        y = y.transpose(1, 2).flatten(2)  # (B, L, d)
        return self.dropout(self.out(y))


class MLP(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(cfg.d_model, cfg.mlp_ratio * cfg.d_model),
            nn.GELU(),
            nn.Linear(cfg.mlp_ratio * cfg.d_model, cfg.d_model),
            nn.Dropout(cfg.dropout),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class Block(nn.Module):
    """Pre-norm transformer block: x + Attention(LN(x)), then x + MLP(LN(x))."""

    def __init__(self, cfg: Config, mix_actions: bool = False):
        super().__init__()
        self.ln_attn = nn.LayerNorm(cfg.d_model)
        self.attn = Attention(cfg, mix_actions)
        self.ln_mlp = nn.LayerNorm(cfg.d_model)
        self.mlp = MLP(cfg)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor, actions: torch.Tensor | None = None) -> torch.Tensor:
        """x: (B, L, d); allowed: [B, L, L] x bool; actions: (B, L, d) or None. Returns (B, L, d)."""
        x = x + self.attn(self.ln_attn(x), allowed, actions)
        return x + self.mlp(self.ln_mlp(x))


class ActionHeads(nn.Module):
    """One logit per action from a token state: final norm, a shared hidden layer, A outputs."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.net = nn.Sequential(
            nn.LayerNorm(cfg.d_model),
            nn.Linear(cfg.d_model, cfg.d_model),
            nn.GELU(),
            nn.Linear(cfg.d_model, cfg.num_actions),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, M, d) -> (B, M, A) logits."""
        return self.net(x)
