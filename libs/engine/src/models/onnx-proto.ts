/**
 * The few protocol-buffer operations the engine's ONNX rewrites need (models/free-dims.ts,
 * models/region-graft.ts, models/plate-heads.ts): split a message into its fields, read a graph's
 * nodes, and write length-delimited and varint fields. An ONNX file is a ModelProto; a message's
 * fields may come in any order and a repeated field is its occurrences, so a rewrite copies the
 * fields it keeps byte for byte.
 */
export interface Field {
  field: number;
  wire: number;
  /** the whole field, tag included */
  start: number;
  end: number;
  /** payload of a length-delimited field (wire type 2) */
  body: Buffer | null;
  /** value of a varint field (wire type 0) */
  value: number;
}

function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length; i++) {
    const b = buf[i];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, i + 1];
    scale *= 128;
  }
  throw new Error('truncated varint');
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

/** The values of a packed repeated varint field's payload. */
export function packedVarints(body: Buffer): number[] {
  const values: number[] = [];
  for (let at = 0; at < body.length;) {
    const [value, next] = readVarint(body, at);
    values.push(value);
    at = next;
  }
  return values;
}

export function parse(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < buf.length) {
    const start = at;
    const [tag, next] = readVarint(buf, at);
    at = next;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    let body: Buffer | null = null;
    let value = 0;
    if (wire === 0) [value, at] = readVarint(buf, at);
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const [len, from] = readVarint(buf, at);
      body = buf.subarray(from, from + len);
      at = from + len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (at > buf.length) throw new Error('truncated protobuf field');
    fields.push({ field, wire, start, end: at, body, value });
  }
  return fields;
}

export const bytesField = (field: number, body: Buffer): Buffer =>
  Buffer.concat([varint(field * 8 + 2), varint(body.length), body]);
export const varintField = (field: number, n: number): Buffer =>
  Buffer.concat([varint(field * 8), varint(n)]);

/** A NodeProto of a graph: its field in the GraphProto, and what it reads and writes. */
export interface OnnxNode {
  field: Field;
  inputs: string[];
  outputs: string[];
  name: string;
  op: string;
}

export const text = (f: Field): string => (f.body ?? Buffer.alloc(0)).toString('utf8');

/** The nodes of a GraphProto's fields (node 1; NodeProto: input 1, output 2, name 3, op_type 4). */
export function nodesOf(graph: Field[]): OnnxNode[] {
  return graph
    .filter((f) => f.field === 1 && f.body)
    .map((field) => {
      const n = parse(field.body as Buffer);
      const op = n.find((x) => x.field === 4);
      return {
        field,
        inputs: n.filter((x) => x.field === 1).map(text),
        outputs: n.filter((x) => x.field === 2).map(text),
        name: text(n.find((x) => x.field === 3) ?? field),
        op: op ? text(op) : '',
      };
    });
}

/** A tensor ValueInfoProto with these dimensions (a number: fixed; a string: named, i.e. free). */
export function tensorValueInfo(
  name: string,
  elemType: number,
  dims: Array<number | string>,
): Buffer {
  const shape = Buffer.concat(
    dims.map((d) =>
      bytesField(
        1,
        typeof d === 'number' ? varintField(1, d) : bytesField(2, Buffer.from(d, 'utf8')),
      ),
    ),
  );
  const tensor = Buffer.concat([varintField(1, elemType), bytesField(2, shape)]);
  return Buffer.concat([
    bytesField(1, Buffer.from(name, 'utf8')),
    bytesField(2, bytesField(1, tensor)),
  ]);
}
