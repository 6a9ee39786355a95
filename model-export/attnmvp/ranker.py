"""The model contract every architecture implements, and the one place it is wired.

A ranker maps a user's history and candidate items to per-action probabilities, the
signature the streaming job calls through ONNX. Architectures differ only in `encode`, the sequence formulation; the
embeddings and per-action heads are the shared modules of `blocks.py`.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from .blocks import ActionHeads, Embeddings
from .config import Config


class Ranker(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.embed = Embeddings(cfg)
        self.drop = nn.Dropout(cfg.dropout)
        self.heads = ActionHeads(cfg)

    def encode(self, item_ids: torch.Tensor, action_ids: torch.Tensor, history_mask: torch.Tensor,
               candidate_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Token states from which actions are predicted.

        item_ids, action_ids: [B, N] x int64; history_mask: [B, N] x bool; candidate_ids: [B, C] x int64.
        Returns (B, N, d): state of history position t, which has seen items <= t and actions < t;
        and (B, C, d): state of each candidate, which has seen the whole history and itself.
        """
        raise NotImplementedError

    def forward(self, item_ids: torch.Tensor, action_ids: torch.Tensor, history_mask: torch.Tensor,
                candidate_ids: torch.Tensor) -> torch.Tensor:
        """Serving path (the ONNX graph). Returns action_probs: [B, C, A] x float32."""
        _, candidates = self.encode(item_ids, action_ids, history_mask, candidate_ids)
        return torch.sigmoid(self.heads(candidates))

    def history_logits(self, item_ids: torch.Tensor, action_ids: torch.Tensor,
                       history_mask: torch.Tensor) -> torch.Tensor:
        """Training path: logits for the action taken at every history position, [B, N, A]."""
        no_candidates = item_ids[:, :0]  # (B, 0)
        history, _ = self.encode(item_ids, action_ids, history_mask, no_candidates)
        return self.heads(history)
