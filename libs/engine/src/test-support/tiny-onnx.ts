/**
 * A tiny ONNX model written byte by byte (protobuf wire format), so tests can make a model that
 * follows a documented contract without Python or a model file: the make/model contract here,
 * input `input` float32 [N,3,224,224] → GlobalAveragePool → Flatten → Gemm(3→K) → Softmax →
 * `probs` [N,K]. Field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, …).
 */
const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
};
const key = (field: number, wire: number) => varint(field * 8 + wire);
const int = (field: number, n: number) => Buffer.from([...key(field, 0), ...varint(n)]);
const bytes = (field: number, b: Buffer | string) => {
  const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  return Buffer.concat([Buffer.from([...key(field, 2), ...varint(buf.length)]), buf]);
};
const msg = (field: number, ...parts: Buffer[]) => bytes(field, Buffer.concat(parts));

const FLOAT = 1;
/** TensorProto: dims 1, data_type 2, name 8, raw_data 9 */
const tensor = (field: number, name: string, dims: number[], values: number[]) =>
  msg(
    field,
    ...dims.map((d) => int(1, d)),
    int(2, FLOAT),
    bytes(8, name),
    bytes(9, Buffer.from(new Float32Array(values).buffer)),
  );
/** ValueInfoProto: name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 */
const valueInfo = (field: number, name: string, dims: (number | string)[]) =>
  msg(
    field,
    bytes(1, name),
    msg(
      2,
      msg(
        1,
        int(1, FLOAT),
        msg(
          2,
          ...dims.map((d) => (typeof d === 'number' ? msg(1, int(1, d)) : msg(1, bytes(2, d)))),
        ),
      ),
    ),
  );
/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5 (name 1, i 3, type 20 = INT 2) */
const node = (
  op: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, number> = {},
) =>
  msg(
    1,
    ...inputs.map((i) => bytes(1, i)),
    ...outputs.map((o) => bytes(2, o)),
    bytes(3, `${op}_${outputs[0]}`),
    bytes(4, op),
    ...Object.entries(attrs).map(([k, v]) => msg(5, bytes(1, k), int(3, v), int(20, 2))),
  );

/**
 * A make/model classifier over K classes whose logits are `weights` (K rows of 3: the mean R, G
 * and B of the normalised input) plus `bias`.
 */
export function tinyMakeModelOnnx(weights: number[][], bias: number[]): Buffer {
  const k = weights.length;
  const graph = Buffer.concat([
    node('GlobalAveragePool', ['input'], ['pooled']),
    node('Flatten', ['pooled'], ['flat'], { axis: 1 }),
    node('Gemm', ['flat', 'W', 'B'], ['logits'], { transB: 1 }),
    node('Softmax', ['logits'], ['probs'], { axis: 1 }),
    bytes(2, 'tiny-make-model'),
    tensor(5, 'W', [k, 3], weights.flat()),
    tensor(5, 'B', [k], bias),
    valueInfo(11, 'input', ['N', 3, 224, 224]),
    valueInfo(12, 'probs', ['N', k]),
  ]);
  // ModelProto: ir_version 1, opset_import 8 (domain 1, version 2), graph 7
  return Buffer.concat([int(1, 7), msg(8, bytes(1, ''), int(2, 13)), msg(7, graph)]);
}
