"""The pipeline end to end (train a few steps -> export -> check), and the shipped models' contract."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import onnx
import pytest
import torch
from onnx import TensorProto

from attnmvp.config import ACTION_NAMES, Config
from attnmvp.data import MovieLens, load_movielens
from attnmvp.export import PARITY_TOLERANCE, checksum_matches, export, max_parity_error
from attnmvp.runs import train_and_save
from attnmvp.train import load_checkpoint

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
METADATA_KEYS = {"architecture", "model_version", "contract_version", "action_names", "unknown_action_index",
                 "ranking_weights", "max_history", "item_vocab", "item_padding_index", "item_unknown_index",
                 "training_data", "training_date", "metrics", "hyperparameters", "split", "sha256"}
CASE_KEYS = {"user_id", "history", "candidate_item_ids", "item_ids", "action_ids", "candidate_ids", "action_probs"}
INPUTS = {"item_ids": (TensorProto.INT64, ["B", "N"]), "action_ids": (TensorProto.INT64, ["B", "N"]),
          "history_mask": (TensorProto.BOOL, ["B", "N"]), "candidate_ids": (TensorProto.INT64, ["B", "C"])}


@pytest.fixture(scope="module")
def data() -> MovieLens:
    return load_movielens()


def check_contract(path: Path, data: MovieLens, architecture: str) -> dict[str, str]:
    """Checksum, graph signature, opset and metadata as the Java scorer expects them."""
    file = path.read_bytes()
    assert checksum_matches(file), f"{path} does not match its sha256 entry"
    proto = onnx.load_from_string(file)
    onnx.checker.check_model(proto)
    assert any(o.domain in ("", "ai.onnx") and o.version == 17 for o in proto.opset_import)
    signature = {i.name: (i.type.tensor_type.elem_type, [d.dim_param for d in i.type.tensor_type.shape.dim])
                 for i in proto.graph.input}
    assert signature == INPUTS
    (output,) = proto.graph.output
    dims = output.type.tensor_type.shape.dim
    assert output.name == "action_probs" and output.type.tensor_type.elem_type == TensorProto.FLOAT
    assert [d.dim_param for d in dims[:2]] == ["B", "C"] and dims[2].dim_value == len(ACTION_NAMES)

    meta = {p.key: p.value for p in proto.metadata_props}
    assert set(meta) == METADATA_KEYS
    assert meta["architecture"] == architecture and meta["model_version"].startswith(architecture + "-")
    assert meta["contract_version"] == "1"
    assert json.loads(meta["action_names"]) == list(ACTION_NAMES)
    assert meta["unknown_action_index"] == str(len(ACTION_NAMES))
    assert set(json.loads(meta["ranking_weights"])) <= set(ACTION_NAMES)
    assert json.loads(meta["item_vocab"]) == data.vocab
    assert (meta["item_padding_index"], meta["item_unknown_index"]) == ("0", "1")
    assert data.ratings_sha256 in meta["training_data"]
    metrics = json.loads(meta["metrics"])
    assert all({"bce", "ne", "auc"} <= set(metrics[a]) for a in [*ACTION_NAMES, "overall"])
    hyper = Config.from_dict(json.loads(meta["hyperparameters"]))
    assert str(hyper.max_history) == meta["max_history"] and hyper.architecture == architecture
    return meta


def check_parity_file(parity: dict[str, Any], meta: dict[str, str], data: MovieLens) -> None:
    """Every case is a real history whose tensors are exactly the encoded raw ids and actions."""
    assert set(parity) == {"architecture", "model_version", "tolerance", "cases"}
    assert parity["architecture"] == meta["architecture"] and parity["model_version"] == meta["model_version"]
    assert parity["tolerance"] == PARITY_TOLERANCE
    max_history = int(meta["max_history"])
    for case in parity["cases"]:
        assert set(case) == CASE_KEYS
        history = case["history"]
        assert 1 <= len(history) <= max_history
        assert case["item_ids"] == data.encode([e["item_id"] for e in history])
        assert case["action_ids"] == [ACTION_NAMES.index(e["action"]) for e in history]
        assert case["candidate_ids"] == data.encode(case["candidate_item_ids"])
        assert len(case["action_probs"]) == len(case["candidate_ids"]) >= 1
        assert all(len(row) == len(ACTION_NAMES) and all(0.0 <= p <= 1.0 for p in row) for row in case["action_probs"])
    lengths = [len(c["history"]) for c in parity["cases"]]
    assert min(lengths) <= 5 and max(lengths) == max_history
    assert any(1 in c["candidate_ids"] for c in parity["cases"]), "no out-of-vocabulary candidate"


def test_train_export_check_end_to_end(tmp_path: Path, data: MovieLens) -> None:
    cfg = Config(architecture="attn_mvp", num_items=data.num_items, d_model=16, n_layers=1, max_history=16,
                 epochs=1, max_steps=3, batch_size=8, seed=7)
    checkpoint = train_and_save(cfg, data, tmp_path / "runs", log=lambda _: None)
    model, ckpt = load_checkpoint(checkpoint)
    assert model.cfg == cfg and ckpt["steps"] == 3
    paths = export(checkpoint, tmp_path / "models", data, n_cases=30)

    meta = check_contract(paths["onnx"], data, "attn_mvp")
    parity = json.loads(paths["parity"].read_text())
    assert len(parity["cases"]) == 30
    check_parity_file(parity, meta, data)
    # Self-consistent: the recorded outputs are what the rebuilt model gives, batched and padded.
    assert max_parity_error(model, parity["cases"]) <= PARITY_TOLERANCE / 10


def test_export_is_deterministic_for_a_fixed_seed(tmp_path: Path, data: MovieLens) -> None:
    cfg = Config(architecture="interleaved", num_items=data.num_items, d_model=8, n_layers=1, max_history=8,
                 epochs=1, max_steps=2, batch_size=4, seed=3)
    outputs = []
    for run in ("a", "b"):
        torch.manual_seed(123)  # the run must not depend on global state
        checkpoint = train_and_save(cfg, data, tmp_path / run, log=lambda _: None)
        parity = json.loads(export(checkpoint, tmp_path / run / "models", data, n_cases=5)["parity"].read_text())
        outputs.append([c["action_probs"] for c in parity["cases"]])
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("architecture", ["attn_mvp", "attn_lfa", "interleaved"])
def test_shipped_model_meets_the_contract(architecture: str, data: MovieLens) -> None:
    path = MODELS_DIR / f"{architecture}.onnx"
    assert path.stat().st_size < 8 * 2**20, "shipped model should stay a few MB"
    meta = check_contract(path, data, architecture)
    parity_path = MODELS_DIR / f"{architecture}.parity.json"
    assert parity_path.stat().st_size < 3 * 2**20
    parity = json.loads(parity_path.read_text())
    assert 200 <= len(parity["cases"]) <= 300
    check_parity_file(parity, meta, data)
