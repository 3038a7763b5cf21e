import { Field, bytesField, nodesOf, parse, text } from './onnx-proto';

/**
 * The region classifier (platewise-region-v1) is the published CCT reader's encoder, unchanged,
 * with a linear head on the mean of its tokens (models/training/train_region_head.py). Run as its
 * own model it repeats the reader's whole encoder on the same crop (~3.4 ms per plate, as much as
 * the reader). This grafts the head — its ReduceMean → Gemm → Softmax and their two weights — onto
 * the reader's graph, reading the reader's own encoder output, so one run answers both the slots
 * and `region` (ocr/slot-reader.ts reads a second output as the region head). The reader's nodes
 * are untouched. The engine keeps the graft only where it answers exactly what the classifier
 * does (engine.ts checks both on one crop when it loads); else the two models run apart.
 *
 * GraphProto: node (1), initializer (5), output (12); NodeProto: input (1), output (2), name (3),
 * op_type (4); TensorProto.name (8); ValueInfoProto.name (1).
 */

/** The reader's encoder output: what its token reducer's key projection reads (Keras export). */
const READER_ENCODER = /token_reducer[^/]*\/multi_head_attention[^/]*\/key[^/]*\/MatMul$/;

/** The node with its first input renamed (the other fields copied byte for byte). */
function withFirstInput(node: Buffer, input: string): Buffer {
  let done = false;
  return Buffer.concat(
    parse(node).map((f) => {
      if (f.field !== 1 || done) return node.subarray(f.start, f.end);
      done = true;
      return bytesField(1, Buffer.from(input, 'utf8'));
    }),
  );
}

/**
 * The reader's model with the region classifier's head grafted on (a second output `region`), or
 * null where the two graphs are not the expected ones (no Keras token reducer in the reader, no
 * ReduceMean → Gemm → Softmax head in the classifier, or a name both use).
 */
export function graftRegionHead(reader: Buffer, classifier: Buffer): Buffer | null {
  const top = parse(reader);
  const graphField = top.find((f) => f.field === 7 && f.body);
  const classifierGraph = parse(classifier).find((f) => f.field === 7 && f.body)?.body;
  if (!graphField?.body || !classifierGraph) return null;
  const graph = parse(graphField.body);
  const cGraph = parse(classifierGraph);

  const encoder = nodesOf(graph).find((n) => n.op === 'MatMul' && READER_ENCODER.test(n.name))
    ?.inputs[0];
  // the head, walked back from the classifier's output
  const cNodes = nodesOf(cGraph);
  const output = cGraph.find((f) => f.field === 12 && f.body);
  const outName = output
    ? text(parse(output.body as Buffer).find((x) => x.field === 1) as Field)
    : '';
  const producer = (t: string) => cNodes.find((n) => n.outputs.includes(t));
  const softmax = producer(outName);
  const gemm = softmax && producer(softmax.inputs[0]);
  const mean = gemm && producer(gemm.inputs[0]);
  if (
    !encoder ||
    !output ||
    softmax?.op !== 'Softmax' ||
    gemm?.op !== 'Gemm' ||
    mean?.op !== 'ReduceMean'
  )
    return null;
  const weights = cGraph.filter((f) => {
    if (f.field !== 5 || !f.body) return false;
    const name = parse(f.body).find((x) => x.field === 8);
    return !!name && gemm.inputs.slice(1).includes(text(name));
  });
  if (weights.length !== gemm.inputs.length - 1) return null;
  // nothing the head adds may already name something in the reader
  const taken = new Set(nodesOf(graph).flatMap((n) => n.outputs));
  for (const f of graph)
    if ((f.field === 5 || f.field === 12) && f.body) {
      const name = parse(f.body).find((x) => x.field === (f.field === 5 ? 8 : 1));
      if (name) taken.add(text(name));
    }
  const added = [...mean.outputs, ...gemm.outputs, ...softmax.outputs, ...gemm.inputs.slice(1)];
  if (added.some((n) => taken.has(n))) return null;

  const extra = [
    bytesField(1, withFirstInput(mean.field.body as Buffer, encoder)),
    classifierGraph.subarray(gemm.field.start, gemm.field.end),
    classifierGraph.subarray(softmax.field.start, softmax.field.end),
    ...weights.map((w) => classifierGraph.subarray(w.start, w.end)),
    classifierGraph.subarray(output.start, output.end),
  ];
  return Buffer.concat([
    reader.subarray(0, graphField.start),
    bytesField(7, Buffer.concat([graphField.body, ...extra])),
    reader.subarray(graphField.end),
  ]);
}
