"""The `sha256` metadata entry: stamping, verifying, and what a flipped byte does to it."""
from __future__ import annotations

import hashlib
from pathlib import Path

import onnx
from onnx import TensorProto, helper

from attnmvp.export import CHECKSUM_KEY, CHECKSUM_PLACEHOLDER, checksum_matches, stamp, with_checksum

WEIGHT = 1.0  # float32 bytes 00 00 80 3f, found once in the file


def tiny_model() -> onnx.ModelProto:
    """y = x * w with one float weight and one metadata entry."""
    graph = helper.make_graph(
        [helper.make_node("Mul", ["x", "w"], ["y"])], "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["B"])],
        initializer=[helper.make_tensor("w", TensorProto.FLOAT, [], [WEIGHT])])
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    entry = proto.metadata_props.add()
    entry.key, entry.value = "architecture", "attn_mvp"
    return proto


def sha256_entries(data: bytes) -> list[str]:
    return [p.value for p in onnx.load_from_string(data).metadata_props if p.key == CHECKSUM_KEY]


def test_the_digest_covers_the_file_with_zeros_in_its_place() -> None:
    data = with_checksum(tiny_model())
    (digest,) = sha256_entries(data)
    assert len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    assert hashlib.sha256(data.replace(digest.encode(), CHECKSUM_PLACEHOLDER)).hexdigest() == digest
    assert checksum_matches(data)


def test_one_flipped_weight_byte_leaves_a_valid_model_that_fails_the_check() -> None:
    data = with_checksum(tiny_model())
    weight = bytes.fromhex("0000803f")
    assert data.count(weight) == 1
    flipped = data.replace(weight, bytes.fromhex("0100803f"))
    onnx.checker.check_model(onnx.load_from_string(flipped))
    assert not checksum_matches(flipped)


def test_a_model_without_the_entry_fails_the_check() -> None:
    assert not checksum_matches(tiny_model().SerializeToString())


def test_stamping_again_keeps_one_entry_and_the_graph(tmp_path: Path) -> None:
    path = tmp_path / "tiny.onnx"
    path.write_bytes(tiny_model().SerializeToString())
    stamp(path)
    first = path.read_bytes()
    stamp(path)
    assert path.read_bytes() == first, "stamping is idempotent"
    assert len(sha256_entries(first)) == 1 and checksum_matches(first)
    stamped = onnx.load_from_string(first)
    assert stamped.graph == tiny_model().graph
    assert [p.key for p in stamped.metadata_props] == ["architecture", CHECKSUM_KEY]
