/**
 * Lets a fully convolutional ONNX model take inputs of another height and width than the ones its
 * export wrote into the file. YOLOX-nano is published with its input fixed at [1,3,416,416], yet
 * nothing inside depends on that size (its output rows are the raw cells of each stride's grid,
 * decoded by the caller), so a photo can be fed at its own aspect ratio instead of padded to a
 * square, and a small photo at a smaller size. ONNX Runtime refuses a run whose input disagrees
 * with the declared shape; this rewrites the declaration (graph input and output dimensions become
 * named, i.e. free, ones) and drops the file's recorded intermediate shapes (`value_info`), which
 * would disagree too. The weights and the nodes are untouched.
 *
 * ONNX files are protocol buffers: ModelProto.graph (7) → GraphProto.input (11) / output (12) /
 * value_info (13) → ValueInfoProto.name (1), type (2) → TypeProto.tensor_type (1) →
 * Tensor.elem_type (1), shape (2) → TensorShapeProto.dim (1) → Dimension.dim_value (1) /
 * dim_param (2).
 */
import { bytesField, parse, tensorValueInfo } from './onnx-proto';

/** A ValueInfoProto's name and element type; null when it is not a tensor. */
function tensorInfo(info: Buffer): { name: string; elemType: number; rank: number } | null {
  const f = parse(info);
  const name = f.find((x) => x.field === 1)?.body?.toString('utf8');
  const type = f.find((x) => x.field === 2)?.body;
  const tensor = type && parse(type).find((x) => x.field === 1)?.body;
  if (!name || !tensor) return null;
  const t = parse(tensor);
  const elemType = t.find((x) => x.field === 1)?.value ?? 0;
  const shape = t.find((x) => x.field === 2)?.body;
  const rank = shape ? parse(shape).filter((x) => x.field === 1).length : 0;
  return { name, elemType, rank };
}

/**
 * The model with its graph inputs and outputs declared with free dimensions: `inputs` maps an
 * input's name to its dimensions (e.g. `[1, 3, 'h', 'w']`); every output keeps its rank with all
 * dimensions free.
 */
export function freeDims(model: Buffer, inputs: Record<string, Array<number | string>>): Buffer {
  const top = parse(model);
  const graph = top.find((f) => f.field === 7 && f.body);
  if (!graph?.body) throw new Error('not an ONNX model: no graph');
  const seen = new Set<string>();
  const parts: Buffer[] = [];
  for (const f of parse(graph.body)) {
    if (f.field === 13) continue; // recorded intermediate shapes: they would contradict
    if ((f.field === 11 || f.field === 12) && f.body) {
      const info = tensorInfo(f.body);
      if (info && f.field === 11 && inputs[info.name]) {
        seen.add(info.name);
        parts.push(bytesField(11, tensorValueInfo(info.name, info.elemType, inputs[info.name])));
        continue;
      }
      if (info && f.field === 12) {
        const dims = Array.from({ length: info.rank }, (_, i) => `${info.name}_${i}`);
        parts.push(bytesField(12, tensorValueInfo(info.name, info.elemType, dims)));
        continue;
      }
    }
    parts.push(graph.body.subarray(f.start, f.end));
  }
  const missing = Object.keys(inputs).filter((n) => !seen.has(n));
  if (missing.length) throw new Error(`the model has no input named ${missing.join(', ')}`);
  return Buffer.concat([
    model.subarray(0, graph.start),
    bytesField(7, Buffer.concat(parts)),
    model.subarray(graph.end),
  ]);
}
