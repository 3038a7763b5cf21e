/**
 * The plate detector (HyperLPR's y5fu, YOLOv5-face style) decodes its three heads inside its
 * graph: about 80 small nodes — sigmoids, grid and anchor arithmetic, slices of a 15-wide last
 * axis and their concatenations — over every cell (6,300 at 320²), where the engine keeps only
 * the few whose objectness passes its bar. They cost about 15 % of a run (one thread, 320²: 8.4 →
 * 7.2 ms). This cuts the graph at the heads' convolutions: their raw outputs come out as one
 * tensor `[1, 45, cells]` (each head reshaped to `[1, 45, -1]`, then concatenated in graph order,
 * strides 8, 16, 32), and detect/plate.ts decodes only the cells that pass. Every node the heads
 * read is kept byte for byte, so the raw outputs are the model's own.
 *
 * GraphProto: node (1), initializer (5), output (12), value_info (13); TensorProto: dims (1),
 * data_type (2), name (8), raw_data (9); NodeProto: input (1), output (2), name (3), op_type (4),
 * attribute (5); AttributeProto: name (1), i (3), type (20).
 */
import {
  Field,
  bytesField,
  nodesOf,
  packedVarints,
  parse,
  tensorValueInfo,
  text,
  varintField,
} from './onnx-proto';

/** Channels of one head: 3 anchors × (box 4, objectness 1, corners 8, single/double row 2). */
const PLATE_HEAD_CHANNELS = 45;
/** The cut model's one output. */
export const PLATE_HEADS_OUTPUT = 'platewise_heads';

const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;
const ATTRIBUTE_INT = 2;

/** A TensorProto's name and dimensions (dims are varints, packed or not). */
function initializer(body: Buffer): { name: string; dims: number[] } {
  const f = parse(body);
  const dims = f
    .filter((x) => x.field === 1)
    .flatMap((x) => (x.wire === 2 ? packedVarints(x.body as Buffer) : [x.value]));
  return { name: text(f.find((x) => x.field === 8) as Field), dims };
}

function node(op: string, name: string, inputs: string[], output: string, attrs: Buffer[] = []) {
  return bytesField(
    1,
    Buffer.concat([
      ...inputs.map((i) => bytesField(1, Buffer.from(i))),
      bytesField(2, Buffer.from(output)),
      bytesField(3, Buffer.from(name)),
      bytesField(4, Buffer.from(op)),
      ...attrs.map((a) => bytesField(5, a)),
    ]),
  );
}

/**
 * The model cut at its three head convolutions (1×1 Conv with 45 output channels), answering
 * `PLATE_HEADS_OUTPUT`; null where the graph has no such three heads (another detector).
 */
export function plateDetectorHeads(model: Buffer): Buffer | null {
  const graphField = parse(model).find((f) => f.field === 7 && f.body);
  if (!graphField?.body) return null;
  const graph = parse(graphField.body);
  const nodes = nodesOf(graph);
  const dims = new Map<string, number[]>();
  for (const f of graph)
    if (f.field === 5 && f.body) {
      const t = initializer(f.body);
      dims.set(t.name, t.dims);
    }
  const heads = nodes.filter(
    (n) => n.op === 'Conv' && dims.get(n.inputs[1])?.[0] === PLATE_HEAD_CHANNELS,
  );
  if (heads.length !== 3) return null;

  // what the heads read, back to the input
  const producer = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const kept = new Set<number>();
  const pending = heads.map((h) => h.outputs[0]);
  while (pending.length) {
    const n = producer.get(pending.pop() as string);
    if (!n || kept.has(n.field.start)) continue;
    kept.add(n.field.start);
    pending.push(...n.inputs);
  }
  const read = new Set(nodes.filter((n) => kept.has(n.field.start)).flatMap((n) => n.inputs));
  const parts: Buffer[] = [];
  for (const f of graph) {
    const whole = graphField.body.subarray(f.start, f.end);
    if (f.field === 1) {
      if (kept.has(f.start)) parts.push(whole);
    } else if (f.field === 5) {
      if (f.body && read.has(initializer(f.body).name)) parts.push(whole);
    } else if (f.field !== 12 && f.field !== 13) parts.push(whole); // outputs and shapes: new
  }

  const shape = `${PLATE_HEADS_OUTPUT}_shape`;
  const raw = Buffer.alloc(24);
  [1, PLATE_HEAD_CHANNELS, -1].forEach((v, i) => raw.writeBigInt64LE(BigInt(v), 8 * i));
  parts.push(
    bytesField(
      5,
      Buffer.concat([
        varintField(1, 3),
        varintField(2, ONNX_INT64),
        bytesField(8, Buffer.from(shape)),
        bytesField(9, raw),
      ]),
    ),
  );
  const flat = heads.map((h, i) => {
    const out = `${PLATE_HEADS_OUTPUT}_${i}`;
    parts.push(node('Reshape', out, [h.outputs[0], shape], out));
    return out;
  });
  const axis = Buffer.concat([
    bytesField(1, Buffer.from('axis')),
    varintField(3, 2),
    varintField(20, ATTRIBUTE_INT),
  ]);
  parts.push(node('Concat', PLATE_HEADS_OUTPUT, flat, PLATE_HEADS_OUTPUT, [axis]));
  parts.push(
    bytesField(
      12,
      tensorValueInfo(PLATE_HEADS_OUTPUT, ONNX_FLOAT, [1, PLATE_HEAD_CHANNELS, 'cells']),
    ),
  );
  return Buffer.concat([
    model.subarray(0, graphField.start),
    bytesField(7, Buffer.concat(parts)),
    model.subarray(graphField.end),
  ]);
}
