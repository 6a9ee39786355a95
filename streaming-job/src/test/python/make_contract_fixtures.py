"""Writes the tiny ONNX models that RankingModelTest uses to check the job's model-contract errors.

Each is a valid ONNX file a few hundred bytes long: `valid.onnx` meets the contract (one action,
"like"; its score is sigmoid(candidate index)), and each other file breaks exactly one rule.
Regenerate with: /usr/bin/python3 streaming-job/src/test/python/make_contract_fixtures.py
"""
import json
from pathlib import Path

import onnx
from onnx import TensorProto, helper

OUT = Path(__file__).resolve().parents[1] / "resources" / "models"

METADATA = {
    "architecture": "attn_mvp", "model_version": "fixture-1", "contract_version": "1",
    "action_names": json.dumps(["like"]), "unknown_action_index": "1",
    "ranking_weights": json.dumps({"like": 1.0}), "max_history": "256",
    "item_vocab": json.dumps(["10", "20"]), "item_padding_index": "0", "item_unknown_index": "1",
}


def model(inputs=("item_ids", "action_ids", "history_mask", "candidate_ids"), output="action_probs",
          output_type=TensorProto.FLOAT, metadata=METADATA):
    types = {"history_mask": TensorProto.BOOL}
    graph_inputs = [helper.make_tensor_value_info(name, types.get(name, TensorProto.INT64), ["B", "N"])
                    for name in inputs]
    candidates = inputs[-1]
    nodes = [
        helper.make_node("Cast", [candidates], ["c_float"], to=TensorProto.FLOAT),
        helper.make_node("Constant", [], ["axes"], value=helper.make_tensor("axes", TensorProto.INT64, [1], [2])),
        helper.make_node("Unsqueeze", ["c_float", "axes"], ["c3"]),
        helper.make_node("Sigmoid", ["c3"], ["probs"]),
        helper.make_node("Cast", ["probs"], [output], to=output_type),
    ]
    graph = helper.make_graph(nodes, "fixture", graph_inputs,
                              [helper.make_tensor_value_info(output, output_type, ["B", "C", 1])])
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    return proto


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    fixtures = {
        "valid.onnx": model(),
        "wrong_input.onnx": model(inputs=("item_ids", "action_ids", "mask", "candidate_ids")),
        "wrong_output.onnx": model(output="scores"),
        "int_output.onnx": model(output_type=TensorProto.INT64),
        "no_metadata.onnx": model(metadata={}),
        "unknown_architecture.onnx": model(metadata={**METADATA, "architecture": "transformer_xl"}),
    }
    for name, proto in fixtures.items():
        onnx.save(proto, str(OUT / name))
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
