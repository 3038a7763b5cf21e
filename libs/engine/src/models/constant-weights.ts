/**
 * Lets ONNX Runtime treat a model's weights as the constants they are. Some exports (UltraFace's,
 * made with an old PyTorch at IR version 4) list every weight among the graph's inputs as well as
 * its initializers; from IR version 4 on, such a weight is an input with a default value that a
 * caller may override, so ONNX Runtime keeps it as a runtime value and skips the optimisations
 * that need its value fixed (folding each batch normalisation into its convolution, fusing the
 * activations): it warns so once per weight at load time. Dropping those weights from the inputs
 * (what ONNX Runtime's own `remove_initializer_from_input.py` does) makes them constants; the
 * nodes and the weights' bytes are untouched, and the outputs differ from the unoptimised graph's
 * by float rounding only (UltraFace 640: at most 2e-7 on a test input), while a run costs
 * 22.1 → 9.1 ms of CPU (320: 5.2 → 2.0; one ONNX Runtime thread, issue 28's sixth pass).
 *
 * ModelProto.graph (7) → GraphProto.initializer (5) → TensorProto.name (8); GraphProto.input (11)
 * → ValueInfoProto.name (1).
 */
import { bytesField, parse } from './onnx-proto';

/** The model with every graph input that is also an initializer dropped from the inputs. */
export function weightsAsConstants(model: Buffer): Buffer {
  const graph = parse(model).find((f) => f.field === 7 && f.body);
  if (!graph?.body) throw new Error('not an ONNX model: no graph');
  const fields = parse(graph.body);
  const name = (body: Buffer, field: number) =>
    parse(body)
      .find((x) => x.field === field)
      ?.body?.toString('utf8');
  const weights = new Set(
    fields.flatMap((f) => (f.field === 5 && f.body ? [name(f.body, 8)] : [])),
  );
  const kept = fields.filter((f) => !(f.field === 11 && f.body && weights.has(name(f.body, 1))));
  if (kept.length === fields.length) return model;
  return Buffer.concat([
    model.subarray(0, graph.start),
    bytesField(7, Buffer.concat(kept.map((f) => graph.body!.subarray(f.start, f.end)))),
    model.subarray(graph.end),
  ]);
}
