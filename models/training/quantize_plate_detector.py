#!/usr/bin/python3
"""Static int8 (QDQ) copy of the plate detector y5fu_320x_sim.onnx — an experiment (issue 28).

Measured, NOT used by the engine: see libs/engine/README.md, "Redaction", "int8 plate detector".
Nothing here is committed as a model; the outputs go to /tmp.

What it does, in two stages (needs /usr/bin/python3 with python3-onnx and numpy; no ORT in Python):

  expose    writes a copy of the fp32 model whose every intermediate float tensor of the body
            (backbone + neck, i.e. everything before the detect head's three 1×1 convs
            `model.21.m.*`) is also a graph output, for calibration in onnxruntime-node
            (models/training/plate_detector_calib.mjs: ~100 MIT vehicle crops from
            ../shared/vehicle-attrs/images/train, letterboxed to 320 as the engine does; never
            the alpr-dev photos, which are for measuring only).
  quantize  reads the calibration ranges and writes the QDQ model:
            - opset 12 → 13 (per-channel DequantizeLinear needs `axis`; no op of this graph
              changes meaning between 12 and 13);
            - every body Conv: weights int8 per output channel (symmetric), bias int32 with scale
              s_in·s_w, input and output activations uint8 per tensor (asymmetric, calibrated
              min/max) → ORT fuses DQ→Conv→Q into QLinearConv;
            - Sigmoid / Mul (SiLU) and Concat get DQ inputs and a Q output → QLinearSigmoid,
              QLinearMul, QLinearConcat; Sigmoid's output range is fixed to [0, 1];
            - Reshape / Transpose / Slice (channel shuffle), MaxPool and nearest Resize run on the
              uint8 tensor directly with its input's scale (no DQ/Q around them);
            - the detect head (the three `model.21.m.*` convs and the decode after them) stays
              float: its convs read a DequantizeLinear of the quantized feature map.

Commands (from the repository root; models/weights/ is where install puts the fp32 model):
  /usr/bin/python3 models/training/quantize_plate_detector.py expose \
      models/weights/y5fu_320x_sim.onnx /tmp/y5fu_expose.onnx
  node models/training/plate_detector_calib.mjs /tmp/y5fu_expose.onnx /tmp/y5fu_ranges.json
  /usr/bin/python3 models/training/quantize_plate_detector.py quantize \
      models/weights/y5fu_320x_sim.onnx /tmp/y5fu_ranges.json /tmp/y5fu_320x_int8.onnx [minmax|p99] [int8|float]
  node models/training/plate_detector_int8_bench.mjs models/weights/y5fu_320x_sim.onnx \
      /tmp/y5fu_320x_int8.onnx
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SHAPE_OPS = {'Reshape', 'Transpose', 'Slice', 'MaxPool', 'Resize'}
QUANT_OPS = {'Conv', 'Sigmoid', 'Mul', 'Concat'}


def split_body_head(graph):
    """Body nodes (quantized) and head nodes: the `model.21.m.*` convs and all downstream."""
    head_out = set()
    head = set()
    for n in graph.node:
        is_head_conv = n.op_type == 'Conv' and n.input[1].startswith('model.21.')
        if is_head_conv or any(i in head_out for i in n.input):
            head.add(n.name)
            head_out.update(n.output)
    body = [n for n in graph.node if n.name not in head]
    return body, head


def expose(src, dst):
    m = onnx.load(src)
    g = m.graph
    body, _ = split_body_head(g)
    have = {o.name for o in g.output}
    for n in body:
        for o in n.output:
            if o not in have:
                g.output.append(helper.make_tensor_value_info(o, TensorProto.FLOAT, None))
    onnx.save(m, dst)
    print(f'exposed {len(g.output) - 1} body tensors → {dst}')


def qparams_u8(lo, hi):
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zp = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zp)


def quantize(src, ranges_path, dst, method='minmax', silu='int8'):
    m = onnx.load(src)
    g = m.graph
    for op in m.opset_import:
        if op.domain in ('', 'ai.onnx'):
            op.version = 13
    ranges = json.load(open(ranges_path))  # name → {min: [per image], max: [per image]}
    inits = {i.name: i for i in g.initializer}
    body, head = split_body_head(g)
    body_names = {n.name for n in body}
    producer = {o: n for n in g.node for o in n.output}

    def rng(name):
        r = ranges[name]
        lo, hi = np.array(r['min']), np.array(r['max'])
        if method == 'minmax':
            return lo.min(), hi.max()
        if method == 'p99':  # drop the most extreme 1 % of images' extremes
            return np.percentile(lo, 1), np.percentile(hi, 99)
        raise ValueError(method)

    new_inits = []
    qinfo = {}  # float tensor name → (quantized tensor name, scale name, zp name, scale)

    def add_qparams(name, scale, zp):
        s, z = f'{name}_scale', f'{name}_zp'
        new_inits.append(numpy_helper.from_array(np.array(scale, np.float32), s))
        new_inits.append(numpy_helper.from_array(np.array(zp, np.uint8), z))
        return s, z

    # Which body tensors have their own parameters, which inherit their input's (shape ops)?
    def own_params(t):
        if t == g.input[0].name:
            return np.float32(1 / 255), np.uint8(0)  # the input is RGB/255 exactly
        p = producer[t]
        if p.op_type == 'Sigmoid':
            return np.float32(1 / 255), np.uint8(0)
        return qparams_u8(*rng(t))

    nodes = []
    dq_count = [0]

    shared_dq = {}

    def dq_of(t, shared=False):
        """A dedicated DequantizeLinear of quantized tensor t (one per consumer), or a shared one."""
        if shared and t in shared_dq:
            return shared_dq[t]
        q, s, z, _ = qinfo[t]
        dq_count[0] += 1
        out = f'{t}_dq{dq_count[0]}'
        nodes.append(helper.make_node('DequantizeLinear', [q, s, z], [out], name=f'{out}_DQ'))
        if shared:
            shared_dq[t] = out
        return out

    def quantize_output(t):
        scale, zp = own_params(t)
        s, z = add_qparams(t, scale, zp)
        q = f'{t}_q'
        nodes.append(helper.make_node('QuantizeLinear', [t, s, z], [q], name=f'{t}_Q'))
        qinfo[t] = (q, s, z, float(scale))

    def dequantized(name, q, scale, kind, tag):
        """Per-output-channel constant `q` (zero point 0) and `scale`, as a DequantizeLinear output."""
        zero = np.zeros(q.shape[0], q.dtype)
        new_inits.extend(
            [
                numpy_helper.from_array(q, f'{name}_{kind}'),
                numpy_helper.from_array(scale, f'{name}_{tag}scale'),
                numpy_helper.from_array(zero, f'{name}_{tag}zp'),
            ]
        )
        out = f'{name}_{tag}dq'
        nodes.append(
            helper.make_node(
                'DequantizeLinear',
                [f'{name}_{kind}', f'{name}_{tag}scale', f'{name}_{tag}zp'],
                [out],
                name=f'{name}_{tag.upper()}DQ',
                axis=0,
            )
        )
        return out

    quantize_output(g.input[0].name)
    for n in g.node:
        if n.name in body_names and n.op_type in SHAPE_OPS:
            # runs on the uint8 tensor; its output keeps the input's scale and zero point
            src_t = n.input[0]
            q, s, z, sc = qinfo[src_t]
            out = n.output[0]
            new = helper.make_node(n.op_type, [q] + list(n.input[1:]), [f'{out}_q'], name=n.name)
            new.attribute.extend(n.attribute)
            nodes.append(new)
            qinfo[out] = (f'{out}_q', s, z, sc)
            continue
        if n.name in body_names and n.op_type not in QUANT_OPS:
            raise SystemExit(f'unexpected body op {n.op_type} {n.name}')
        # silu='float': Sigmoid and Mul stay float (ORT fuses them into QuickGelu): both read one
        # shared DQ of the conv's output; only the Mul's output is quantized.
        float_silu = silu == 'float' and n.name in body_names and n.op_type in ('Sigmoid', 'Mul')
        if float_silu and n.op_type == 'Mul' and not any(
            producer.get(t) is not None and producer[t].op_type == 'Sigmoid' for t in n.input
        ):
            raise SystemExit(f'Mul {n.name} is not a SiLU')
        ins = list(n.input)
        for k, t in enumerate(ins):
            if t in qinfo:
                ins[k] = dq_of(t, shared=float_silu)
        if n.name in body_names and n.op_type == 'Conv':
            w_name, b_name = n.input[1], n.input[2] if len(n.input) > 2 else None
            w = numpy_helper.to_array(inits[w_name]).astype(np.float32)
            w_scale = np.maximum(np.abs(w).reshape(w.shape[0], -1).max(axis=1), 1e-12) / 127.0
            w_q = np.clip(np.round(w / w_scale[:, None, None, None]), -127, 127).astype(np.int8)
            ins[1] = dequantized(w_name, w_q, w_scale.astype(np.float32), 'i8', 'w')
            if b_name:
                in_scale = qinfo[n.input[0]][3]
                b = numpy_helper.to_array(inits[b_name]).astype(np.float64)
                b_scale = (in_scale * w_scale).astype(np.float32)
                b_q = np.round(b / b_scale).astype(np.int32)
                ins[2] = dequantized(b_name, b_q, b_scale, 'i32', 'b')
        new = helper.make_node(n.op_type, ins, list(n.output), name=n.name)
        new.attribute.extend(n.attribute)
        if n.domain:
            new.domain = n.domain
        nodes.append(new)
        if n.name in body_names and not (float_silu and n.op_type == 'Sigmoid'):
            quantize_output(n.output[0])

    used = {i for n in nodes for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(keep + [i for i in new_inits if i.name in used])
    del g.value_info[:]
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    n_conv = sum(1 for n in body if n.op_type == 'Conv')
    print(f'{dst}: {n_conv} body convs int8, {len(head)} head nodes float, ranges {method}')


if __name__ == '__main__':
    if sys.argv[1] == 'expose':
        expose(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'quantize':
        quantize(sys.argv[2], sys.argv[3], sys.argv[4], *sys.argv[5:7])
    else:
        raise SystemExit(__doc__)
