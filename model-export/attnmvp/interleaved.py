"""Interleaved baseline (HSTU-style): 2N tokens [i_1, a_1, i_2, a_2, ...] under causal attention.

The action a_t is predicted from the output at item slot i_t, which has seen every earlier
pair and i_t itself but not a_t. Candidates are item tokens appended after the 2N history
tokens; each sees the whole history and itself, not the other candidates (M-FALCON style).
"""
from __future__ import annotations


import torch
import torch.nn as nn

from .blocks import Block, attention_mask
from .config import Config
from .ranker import Ranker


class Interleaved(Ranker):
    def __init__(self, cfg: Config):
        super().__init__(cfg)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layers)])

    def encode(self, item_ids: torch.Tensor, action_ids: torch.Tensor, history_mask: torch.Tensor,
               candidate_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        n2 = 2 * item_ids.size(1)
        history_pos, candidate_pos = self.embed.positions(history_mask, candidate_ids)
        item_tokens = self.embed.items(item_ids, history_pos)  # (B, N, d)
        action_tokens = self.embed.actions(action_ids) + self.embed.position(history_pos)  # (B, N, d)
        history = torch.stack([item_tokens, action_tokens], dim=2).flatten(1, 2)  # (B, 2N, d)
        token_mask = torch.stack([history_mask, history_mask], dim=2).flatten(1, 2)  # (B, 2N)
        x = torch.cat([history, self.embed.items(candidate_ids, candidate_pos)], dim=1)  # (B, 2N + C, d)
        x = self.drop(x)
        allowed = attention_mask(token_mask, candidate_ids, see_self=True)  # (B, 2N + C, 2N + C)
        for block in self.blocks:
            x = block(x, allowed)
        return x[:, :n2:2], x[:, n2:]  # item slots predict their action
