/**
 * The few protocol-buffer operations the engine's ONNX rewrites need (models/free-dims.ts,
 * models/region-graft.ts): split a message into its fields, and write length-delimited and
 * varint fields. An ONNX file is a ModelProto; a message's fields may come in any order and a
 * repeated field is its occurrences, so a rewrite copies the fields it keeps byte for byte.
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
