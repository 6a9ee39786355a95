"""What each architecture may and may not see, proven on every architecture.

- A prediction at position t never depends on the action at t, nor on anything after t.
- A candidate's score never depends on the other candidates.
- Right-padding (history, candidates, batch rows) never changes a result.
- A candidate scored after history h_<t gets what training predicts at position t.
- Actions reach the model at the scale items do when the action LayerNorm is on.
Each property is checked for every architecture with and without that LayerNorm.
"""
from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.testing import assert_close

from attnmvp.ranker import Ranker
from conftest import MAX_HISTORY, NUM_ITEMS, random_inputs, small_model

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True, database=None)
seeds = st.integers(0, 2**31 - 1)


@SETTINGS
@given(n=st.integers(1, MAX_HISTORY), b=st.integers(1, 3), data=st.data(), seed=seeds)
def test_prediction_at_t_ignores_action_at_t_and_everything_after(model: Ranker, n: int, b: int,
                                                                   data: st.DataObject, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    t = data.draw(st.integers(0, n - 1))
    item_ids, action_ids, history_mask, _ = random_inputs(gen, b, n, 1, lengths=[n] * b)
    changed_items, changed_actions = item_ids.clone(), action_ids.clone()
    changed_actions[:, t] = (action_ids[:, t] + 1) % 5
    changed_items[:, t + 1:] = torch.randint(1, NUM_ITEMS, (b, n - t - 1), generator=gen)
    changed_actions[:, t + 1:] = torch.randint(0, 5, (b, n - t - 1), generator=gen)
    with torch.no_grad():
        before = model.history_logits(item_ids, action_ids, history_mask)
        after = model.history_logits(changed_items, changed_actions, history_mask)
    assert_close(after[:, :t + 1], before[:, :t + 1])


def test_prediction_at_t_does_depend_on_item_at_t_and_earlier_actions(model: Ranker) -> None:
    """The converse, so the test above cannot pass on a model that ignores its inputs."""
    gen = torch.Generator().manual_seed(1)
    item_ids, action_ids, history_mask, _ = random_inputs(gen, 1, 6, 1, lengths=[6])
    changed_items, changed_actions = item_ids.clone(), action_ids.clone()
    changed_items[0, 3] = (item_ids[0, 3] % (NUM_ITEMS - 2)) + 2
    changed_actions[0, 2] = (action_ids[0, 2] + 1) % 4
    with torch.no_grad():
        base = model.history_logits(item_ids, action_ids, history_mask)[0, 3]
        item_changed = model.history_logits(changed_items, action_ids, history_mask)[0, 3]
        action_changed = model.history_logits(item_ids, changed_actions, history_mask)[0, 3]
    assert (item_changed - base).abs().max() > 1e-4
    assert (action_changed - base).abs().max() > 1e-4


@SETTINGS
@given(n=st.integers(1, MAX_HISTORY), c=st.integers(2, 6), seed=seeds)
def test_candidate_score_does_not_depend_on_other_candidates(model: Ranker, n: int, c: int, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    item_ids, action_ids, history_mask, candidate_ids = random_inputs(gen, 2, n, c)
    perm = torch.randperm(c, generator=gen)
    with torch.no_grad():
        together = model(item_ids, action_ids, history_mask, candidate_ids)  # (B, C, A)
        permuted = model(item_ids, action_ids, history_mask, candidate_ids[:, perm])
        alone = torch.cat([model(item_ids, action_ids, history_mask, candidate_ids[:, j:j + 1])
                           for j in range(c)], dim=1)
    assert_close(permuted, together[:, perm])
    assert_close(alone, together)


@SETTINGS
@given(n=st.integers(1, MAX_HISTORY - 3), c=st.integers(1, 5), pad_n=st.integers(1, 3),
       pad_c=st.integers(1, 3), pad_b=st.integers(1, 2), seed=seeds)
def test_right_padding_never_changes_results(model: Ranker, n: int, c: int, pad_n: int, pad_c: int,
                                             pad_b: int, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    item_ids, action_ids, history_mask, candidate_ids = random_inputs(gen, 2, n, c)
    junk_items, junk_actions, _, junk_candidates = random_inputs(gen, 2 + pad_b, n + pad_n, c + pad_c)
    padded_items, padded_actions = junk_items.clone(), junk_actions.clone()
    padded_mask = torch.zeros(2 + pad_b, n + pad_n, dtype=torch.bool)
    padded_candidates = junk_candidates.clone()
    padded_items[:2, :n], padded_actions[:2, :n], padded_mask[:2, :n] = item_ids, action_ids, history_mask
    padded_mask[2:, :n] = True  # extra rows hold other users, not just padding
    padded_candidates[:2, :c] = candidate_ids
    with torch.no_grad():
        probs = model(item_ids, action_ids, history_mask, candidate_ids)
        padded_probs = model(padded_items, padded_actions, padded_mask, padded_candidates)
        logits = model.history_logits(item_ids, action_ids, history_mask)
        padded_logits = model.history_logits(padded_items, padded_actions, padded_mask)
    assert_close(padded_probs[:2, :c], probs)
    assert_close(padded_logits[:2, :n][history_mask], logits[history_mask])


@SETTINGS
@given(n=st.integers(1, MAX_HISTORY), seed=seeds)
def test_candidate_scored_after_history_matches_training_prediction(model: Ranker, n: int, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    item_ids, action_ids, history_mask, _ = random_inputs(gen, 1, n, 1, lengths=[n])
    with torch.no_grad():
        trained = torch.sigmoid(model.history_logits(item_ids, action_ids, history_mask))[0]  # (N, A)
        served = torch.stack([
            model(item_ids[:, :t].clone(), action_ids[:, :t], history_mask[:, :t], item_ids[:, t:t + 1])[0, 0]
            if t > 0 else
            model(item_ids[:, :1], action_ids[:, :1], torch.zeros(1, 1, dtype=torch.bool), item_ids[:, :1])[0, 0]
            for t in range(n)])
    assert_close(served, trained)


def test_empty_history_gives_finite_scores_that_ignore_padding(model: Ranker) -> None:
    gen = torch.Generator().manual_seed(2)
    item_ids, action_ids, _, candidate_ids = random_inputs(gen, 3, 4, 5)
    empty = torch.zeros(3, 4, dtype=torch.bool)
    with torch.no_grad():
        probs = model(item_ids, action_ids, empty, candidate_ids)
        other_padding = model(item_ids.flip(1), (action_ids + 1) % 5, empty, candidate_ids)
        one_position = model(item_ids[:, :1], action_ids[:, :1], empty[:, :1], candidate_ids)
    assert torch.isfinite(probs).all()
    assert_close(other_padding, probs)
    assert_close(one_position, probs)
    assert probs.dtype == torch.float32 and probs.shape == (3, 5, model.cfg.num_actions)


def test_action_norm_puts_every_action_vector_at_unit_scale() -> None:
    """The fix itself: a normalised action vector has about unit RMS, a raw one the init scale 0.02."""
    every_action = torch.arange(5)[None]  # (1, 5), 4 = unknown
    with torch.no_grad():
        normed = small_model("attn_mvp", action_norm=True).embed.actions(every_action)
        raw = small_model("attn_mvp", action_norm=False).embed.actions(every_action)
    assert_close(normed.pow(2).mean(-1).sqrt(), torch.ones(1, 5), atol=0.05, rtol=0)  # LayerNorm eps
    assert raw.pow(2).mean(-1).sqrt().max() < 0.05
