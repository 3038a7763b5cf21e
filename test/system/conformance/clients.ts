/**
 * The ways real Plate Recognizer clients send a recognition call, byte for byte where it matters:
 * Python `requests` (Plate Recognizer's own sample client: `data=` fields first, Python values
 * written with str(), so `mmc=True`; then `files=`, a part with a filename and no Content-Type),
 * Node's FormData with fetch (the Node-RED node, the seed's JavaScript sample), and curl `-F`
 * (the seed's shell samples).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A field value as the client's own language holds it (Python True, a list for repeats). */
export type FieldValue = string | boolean | number | (string | boolean | number)[];

export interface ClientCall {
  url: string;
  /** `Token …`, or none */
  token?: string;
  fields?: Record<string, FieldValue>;
  /** the image file, sent as `upload` */
  file?: { name: string; bytes: Buffer };
  headers?: Record<string, string>;
}

export interface ClientAnswer {
  status: number;
  headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
  body: any;
}

export type Client = (call: ClientCall) => Promise<ClientAnswer>;

/** Python's str() of a value, as `requests` writes form fields. */
const pythonStr = (v: string | boolean | number) =>
  typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);

const entries = (fields: Record<string, FieldValue> = {}) =>
  Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x]));

const parse = (text: string) => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** `requests.post(url, data=dict(...), files=dict(upload=fp), headers=...)`. */
export const pythonRequests: Client = (call) => {
  const boundary = randomBytes(16).toString('hex');
  const parts: Buffer[] = [];
  for (const [name, value] of entries(call.fields))
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${pythonStr(value as string)}\r\n`,
      ),
    );
  if (call.file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="${call.file.name}"\r\n\r\n`,
      ),
      call.file.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(parts);
  return new Promise((resolve, reject) => {
    const req = request(
      call.url,
      {
        method: 'POST',
        headers: {
          'User-Agent': 'python-requests/2.31.0',
          'Accept-Encoding': 'gzip, deflate',
          Accept: '*/*',
          Connection: 'keep-alive',
          'Content-Length': String(body.length),
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          ...(call.token ? { Authorization: call.token } : {}),
          ...call.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            body: parse(text),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
};

/** `const body = new FormData(); body.append(...); fetch(url, { method: 'POST', body })`. */
export const nodeFormData: Client = async (call) => {
  const form = new FormData();
  if (call.file) form.append('upload', new Blob([call.file.bytes]), call.file.name);
  for (const [name, value] of entries(call.fields)) form.append(name as string, String(value));
  const res = await fetch(call.url, {
    method: 'POST',
    headers: { ...(call.token ? { Authorization: call.token } : {}), ...call.headers },
    body: form,
  });
  return {
    status: res.status,
    headers: Object.fromEntries(res.headers),
    body: parse(await res.text()),
  };
};

/** `curl -F "upload=@car.jpg" -F regions=mx -H "Authorization: Token …" url`. */
export const curlF: Client = async (call) => {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
  try {
    const headerFile = join(dir, 'headers');
    const bodyFile = join(dir, 'body');
    const args = ['-s', '-X', 'POST', '-D', headerFile, '-o', bodyFile, '-w', '%{http_code}'];
    if (call.file) {
      const path = join(dir, call.file.name);
      writeFileSync(path, call.file.bytes);
      args.push('-F', `upload=@${path}`);
    }
    // -F name=value: curl reads @ and < specially; the seed's values never start with them.
    for (const [name, value] of entries(call.fields)) args.push('-F', `${name}=${value}`);
    if (call.token) args.push('-H', `Authorization: ${call.token}`);
    for (const [k, v] of Object.entries(call.headers ?? {})) args.push('-H', `${k}: ${v}`);
    args.push(call.url);
    const { stdout } = await run('curl', args);
    // The last header block: a `100 Continue` may come first.
    const head =
      readFileSync(headerFile, 'utf8')
        .trim()
        .split(/\r\n\r\n/)
        .pop() ?? '';
    const headers = Object.fromEntries(
      head
        .split('\r\n')
        .slice(1)
        .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    return { status: Number(stdout), headers, body: parse(readFileSync(bodyFile, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const CLIENTS: Record<string, Client> = {
  'python-requests': pythonRequests,
  'node FormData': nodeFormData,
  'curl -F': curlF,
};
