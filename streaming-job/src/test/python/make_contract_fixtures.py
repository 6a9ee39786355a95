"""Writes the tiny ONNX models that RankingModelTest uses to check the job's model-contract errors.

Each is a valid ONNX file a few hundred bytes long: `valid.onnx` meets the contract (one action,
"like"; its score is sigmoid(candidate index x 1.0)), `extra_output_first.onnx` meets it too but lists
another output (the negated probabilities) before `action_probs`, and each other file breaks exactly one
rule.
Every file but `no_checksum.onnx` carries the `sha256` entry that model-export's `with_checksum`
writes; `flipped_weight.onnx` is `valid.onnx` with one byte of its weight changed afterwards.
Regenerate with: /usr/bin/python3 streaming-job/src/test/python/make_contract_fixtures.py
"""
import json
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "model-export"))
from attnmvp.export import with_checksum  # noqa: E402  (model-export is not an installed package)

OUT = Path(__file__).resolve().parents[1] / "resources" / "models"
SCALE = bytes.fromhex("0000803f")  # the weight 1.0 as float32, little-endian

METADATA = {
    "architecture": "attn_mvp", "model_version": "fixture-1", "contract_version": "1",
    "action_names": json.dumps(["like"]), "unknown_action_index": "1",
    "ranking_weights": json.dumps({"like": 1.0}), "max_history": "256",
    "item_vocab": json.dumps(["10", "20"]), "item_padding_index": "0", "item_unknown_index": "1",
}


def model(inputs=("item_ids", "action_ids", "history_mask", "candidate_ids"), output="action_probs",
          output_type=TensorProto.FLOAT, metadata=METADATA, first_output=None):
    types = {"history_mask": TensorProto.BOOL}
    graph_inputs = [helper.make_tensor_value_info(name, types.get(name, TensorProto.INT64), ["B", "N"])
                    for name in inputs]
    candidates = inputs[-1]
    nodes = [
        helper.make_node("Cast", [candidates], ["c_float"], to=TensorProto.FLOAT),
        helper.make_node("Constant", [], ["axes"], value=helper.make_tensor("axes", TensorProto.INT64, [1], [2])),
        helper.make_node("Unsqueeze", ["c_float", "axes"], ["c3"]),
        helper.make_node("Mul", ["c3", "scale"], ["scaled"]),
        helper.make_node("Sigmoid", ["scaled"], ["probs"]),
        helper.make_node("Cast", ["probs"], [output], to=output_type),
    ]
    outputs = [helper.make_tensor_value_info(output, output_type, ["B", "C", 1])]
    if first_output:
        nodes.append(helper.make_node("Neg", ["probs"], [first_output]))
        outputs.insert(0, helper.make_tensor_value_info(first_output, TensorProto.FLOAT, ["B", "C", 1]))
    graph = helper.make_graph(nodes, "fixture", graph_inputs, outputs,
                              initializer=[helper.make_tensor("scale", TensorProto.FLOAT, [], [1.0])])
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    return proto


def flipped_weight(stamped: bytes) -> bytes:
    """The file with the weight's lowest byte changed (1.0 becomes 1.0000001): still a valid model."""
    assert stamped.count(SCALE) == 1, "the weight's bytes must occur once to flip them"
    flipped = stamped.replace(SCALE, bytes([SCALE[0] ^ 1]) + SCALE[1:])
    onnx.checker.check_model(onnx.load_from_string(flipped))
    return flipped


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    fixtures = {
        "valid.onnx": with_checksum(model()),
        "extra_output_first.onnx": with_checksum(model(first_output="negated_probs")),
        "wrong_input.onnx": with_checksum(model(inputs=("item_ids", "action_ids", "mask", "candidate_ids"))),
        "wrong_output.onnx": with_checksum(model(output="scores")),
        "int_output.onnx": with_checksum(model(output_type=TensorProto.INT64)),
        "no_metadata.onnx": with_checksum(model(metadata={})),
        "unknown_architecture.onnx": with_checksum(model(metadata={**METADATA, "architecture": "transformer_xl"})),
        "no_checksum.onnx": model().SerializeToString(),
        "flipped_weight.onnx": flipped_weight(with_checksum(model())),
    }
    for name, data in fixtures.items():
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
