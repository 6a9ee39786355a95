"""AttnMVP (mixed value pooling): N item tokens; values mix item state and action embedding.

In every layer queries and keys come from item states and the value of history position j
is W_v h_j + W_a LN(e(a_j)), the action embedding normalised so it enters at the
scale of the item part. The mask is strictly causal (t sees j < t), so position t never
sees its own action; its own item reaches it through the residual stream. Candidates see
every history position and not each other (nor themselves: that too is the residual).
"""
from __future__ import annotations

import torch
import torch.nn as nn

from .blocks import Block, attention_mask
from .config import Config
from .ranker import Ranker


class AttnMVP(Ranker):
    def __init__(self, cfg: Config):
        super().__init__(cfg)
        self.blocks = nn.ModuleList([Block(cfg, mix_actions=True) for _ in range(cfg.n_layers)])

    def encode(self, item_ids: torch.Tensor, action_ids: torch.Tensor, history_mask: torch.Tensor,
               candidate_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        n = item_ids.size(1)
        x = self.drop(self.embed.item_sequence(item_ids, history_mask, candidate_ids))  # (B, N + C, d)
        actions = self.embed.action_sequence(action_ids, candidate_ids)  # (B, N + C, d)
        allowed = attention_mask(history_mask, candidate_ids, see_self=False)  # (B, N + C, N + C)
        for block in self.blocks:
            x = block(x, allowed, actions)
        return x[:, :n], x[:, n:]
