/**
 * Code samples for every operation (`x-codeSamples`, shown by Redoc and other renderers), in the
 * three languages Plate Recognizer's own documentation leads with: curl, Python (requests) and
 * JavaScript (fetch). Written from the operation itself (method, path, auth, body), so a new
 * route gets its samples without anyone writing them.
 */

type Operation = Record<string, unknown> & { security?: Record<string, string[]>[] };

interface Sample {
  lang: string;
  label: string;
  source: string;
}

type Auth = 'key' | 'admin' | 'session' | 'none';

function authOf(op: Operation): Auth {
  const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
  if (schemes.includes('Token')) return 'key';
  if (schemes.includes('AdminToken')) return 'admin';
  if (schemes.includes('Session')) return 'session';
  return 'none';
}

const HEADER: Record<Auth, [string, string] | null> = {
  key: ['Authorization', 'Token my-token******'],
  admin: ['Authorization', 'Bearer $ADMIN_TOKEN'],
  session: ['X-CSRF-Token', 'csrf-token-from-GET-/account/session'],
  none: null,
};

/** A JSON body to show: the example of the operation's JSON request body, if it has one. */
function jsonExample(op: Operation): unknown {
  const content = (op.requestBody as { content?: Record<string, { example?: unknown }> })?.content;
  return content?.['application/json']?.example;
}

export function codeSamples(
  method: string,
  path: string,
  op: Operation,
  publicUrl = 'http://localhost:8080',
): Sample[] {
  const verb = method.toUpperCase();
  const auth = authOf(op);
  const header = HEADER[auth];
  // Plate Recognizer's clients post to the trailing-slash form; both are served.
  const url = `${publicUrl.replace(/\/$/, '')}${path === '/v1/plate-reader' ? '/v1/plate-reader/' : path}`;
  const upload = path.endsWith('/plate-reader');
  const body = upload ? undefined : jsonExample(op);
  const hasBody = !upload && ['POST', 'PUT', 'PATCH'].includes(verb);

  const curl = [`curl -X ${verb} '${url}'`];
  if (header) curl.push(`-H '${header[0]}: ${header[1]}'`);
  if (auth === 'session') curl.push(`-b 'platewise_session=…'`);
  if (upload)
    curl.push(`-F upload=@/path/to/car.jpg`, `-F regions=br`, `-F config='{"mode":"fast"}'`);
  else if (hasBody)
    curl.push(`-H 'Content-Type: application/json'`, `-d '${JSON.stringify(body ?? {})}'`);

  const py = ['import requests', ''];
  const pyArgs = [`    '${url}',`];
  if (header) pyArgs.push(`    headers={'${header[0]}': '${header[1]}'},`);
  if (auth === 'session') pyArgs.push(`    cookies={'platewise_session': '…'},`);
  if (upload) {
    py.push("with open('/path/to/car.jpg', 'rb') as fp:");
    py.push(
      `    response = requests.post(\n        '${url}',\n        data=dict(regions=['br'], mmc=False),\n        files=dict(upload=fp),${header ? `\n        headers={'${header[0]}': '${header[1]}'},` : ''}\n    )`,
    );
  } else {
    if (hasBody) pyArgs.push(`    json=${pythonLiteral(body ?? {})},`);
    py.push(`response = requests.${method.toLowerCase()}(\n${pyArgs.join('\n')}\n)`);
  }
  py.push('print(response.status_code, response.json())');

  const js: string[] = [];
  const init: string[] = [`method: '${verb}'`];
  const headers: string[] = [];
  if (header) headers.push(`'${header[0]}': '${header[1]}'`);
  if (upload) {
    js.push(
      "import { openAsBlob } from 'node:fs';",
      '',
      'const body = new FormData();',
      "body.append('upload', await openAsBlob('/path/to/car.jpg'), 'car.jpg');",
      "body.append('regions', 'br');",
    );
    init.push('body');
  } else if (hasBody) {
    headers.push(`'Content-Type': 'application/json'`);
    init.push(`body: JSON.stringify(${JSON.stringify(body ?? {})})`);
  }
  if (auth === 'session') init.push("credentials: 'include'");
  if (headers.length) init.push(`headers: { ${headers.join(', ')} }`);
  js.push(
    `const response = await fetch('${url}', {\n  ${init.join(',\n  ')},\n});`,
    'console.log(response.status, await response.json());',
  );

  return [
    { lang: 'Shell', label: 'curl', source: curl.join(' \\\n  ') },
    { lang: 'Python', label: 'Python', source: py.join('\n') },
    { lang: 'JavaScript', label: 'JavaScript', source: js.join('\n') },
  ];
}

/** JSON as a Python literal (True/False/None). */
function pythonLiteral(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\btrue\b/g, 'True')
    .replace(/\bfalse\b/g, 'False')
    .replace(/\bnull\b/g, 'None');
}
