"""ONNX graph patches for the vehicle attribute heads (platewise-vehicle-v1).

The backbone is ONNX Model Zoo's int8 MobileNetV2 (`../shared/models/mobilenetv2-12-int8.onnx`,
installed and sha256-checked by models/install.mjs); it is not copied into the repository. What
the repository ships is a *patch*: a serialised ModelProto holding only graph nodes, initialisers
and outputs. Protobuf merges concatenated messages (repeated fields append, embedded messages
merge), so `backbone bytes + patch bytes` parse as the backbone graph plus these extra nodes: the
pooled 1280-wide features (DequantizeLinear of `464_quantized` then Flatten, see
../shared/models/README.md) and the heads on them. The engine concatenates the two verified files
and creates one session (libs/engine/src/vehicle/attributes.ts).
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

POOLED = "464_quantized"  # output of QLinearGlobalAveragePool


def _patch(nodes, inits, outputs) -> bytes:
    graph = onnx.GraphProto()
    graph.node.extend(nodes)
    graph.initializer.extend(inits)
    graph.output.extend(outputs)
    model = onnx.ModelProto()
    model.graph.CopyFrom(graph)
    return model.SerializeToString()


def _feature_nodes():
    return [
        helper.make_node("DequantizeLinear", [POOLED, "464_scale", "464_zero_point"], ["pw_pooled"], name="pw_dq"),
        helper.make_node("Flatten", ["pw_pooled"], ["features"], axis=1, name="pw_flatten"),
    ]


# Early convolutions keep colour that the pooled ImageNet features mostly drop: their outputs,
# dequantised and averaged over the image, are the `early` features the colour head also reads.
EARLY = ["474", "477", "480", "483", "486", "489"]


def _early_nodes():
    nodes, pooled = [], []
    for t in EARLY:
        nodes.append(helper.make_node("DequantizeLinear", [f"{t}_quantized", f"{t}_scale", f"{t}_zero_point"], [f"pw_e{t}"], name=f"pw_dq{t}"))
        nodes.append(helper.make_node("GlobalAveragePool", [f"pw_e{t}"], [f"pw_g{t}"], name=f"pw_gap{t}"))
        nodes.append(helper.make_node("Flatten", [f"pw_g{t}"], [f"pw_f{t}"], axis=1, name=f"pw_fl{t}"))
        pooled.append(f"pw_f{t}")
    nodes.append(helper.make_node("Concat", pooled, ["early"], axis=1, name="pw_early"))
    return nodes


def features_patch() -> bytes:
    """Only the feature outputs (used to extract training features)."""
    out = helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 1280])
    early = helper.make_tensor_value_info("early", TensorProto.FLOAT, ["N", None])
    return _patch(_feature_nodes() + _early_nodes(), [], [out, early])


def heads_patch(heads: dict) -> bytes:
    """heads: output name -> {"inputs": ["features"] or ["features", "early"], "layers": [(weight
    [out,in], bias [out]), ...]}: ReLU between layers, softmax at the end, the temperature already
    folded into the last layer."""
    nodes = _feature_nodes()
    if any("early" in h["inputs"] for h in heads.values()):
        nodes += _early_nodes()
        nodes.append(helper.make_node("Concat", ["features", "early"], ["pw_features_early"], axis=1, name="pw_fe"))
    inits, outputs = [], []
    for name, head in heads.items():
        x = "features" if head["inputs"] == ["features"] else "pw_features_early"
        layers = head["layers"]
        for i, (w, b) in enumerate(layers):
            wn, bn, y = f"pw_{name}_w{i}", f"pw_{name}_b{i}", f"pw_{name}_z{i}"
            inits.append(numpy_helper.from_array(np.asarray(w, np.float32), wn))
            inits.append(numpy_helper.from_array(np.asarray(b, np.float32), bn))
            nodes.append(helper.make_node("Gemm", [x, wn, bn], [y], transB=1, name=f"pw_{name}_gemm{i}"))
            x = y
            if i < len(layers) - 1:
                nodes.append(helper.make_node("Relu", [x], [x + "_r"], name=f"pw_{name}_relu{i}"))
                x = x + "_r"
        nodes.append(helper.make_node("Softmax", [x], [name], axis=1, name=f"pw_{name}_softmax"))
        outputs.append(
            helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", int(np.asarray(layers[-1][1]).shape[0])])
        )
    return _patch(nodes, inits, outputs)


if __name__ == "__main__":
    import sys

    open(sys.argv[1], "wb").write(features_patch())
