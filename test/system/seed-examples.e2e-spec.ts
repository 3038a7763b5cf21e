/**
 * Runs the shell examples of the two API documents in ../shared/seeds verbatim with curl, changing
 * only what a user changes: the base URL, the token and the image path.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';

const SHARED = join(__dirname, '..', '..', '..', 'shared');
const SNAPSHOT_DOC = readFileSync(join(SHARED, 'seeds', '000_571c904e0974f281.txt'), 'utf8');
const PLANTNET_DOC = readFileSync(join(SHARED, 'seeds', '004_64f68553d302b8ea.txt'), 'utf8');
// A California plate, so the strict us-ca examples have a plate to return.
const PHOTO = {
  path: join(SHARED, 'alpr-dev', 'images', 'us', 'wts-lg-000078.jpg'),
  plate: '5ezp631',
};

/** curl command lines of the document's Linux shell blocks, continuation lines joined. */
function curlExamples(doc: string): string[] {
  const blocks = [...doc.matchAll(/```shell\n# On Linux\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks
    .flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.startsWith('curl ') && !line.includes(' -o ')); // -o downloads the demo photo
}

const port = testPort();
const env = {
  PORT: String(port),
  ADMIN_TOKEN: 'seed-admin-token-0123456789',
  WORKER_LOCK_MS: '5000',
};
const cliJson = (...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, [
      join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js'),
      ...args,
    ]).toString(),
  );

function runCurl(command: string, key: string, cwd: string) {
  const local = command
    .replace(/https:\/\/api\.platerecognizer\.com/g, `http://localhost:${port}`)
    .replace(/http:\/\/localhost:8080/g, `http://localhost:${port}`)
    .replace(/my-token\*+/g, key)
    .replace(/\/path\/to\/car\.jpg|\/tmp\/car\.jpg/g, 'car.jpg');
  return JSON.parse(
    execFileSync('bash', ['-c', `${local} --silent --show-error`], { cwd }).toString(),
  );
}

describe("the seeds' curl examples, verbatim", () => {
  const cwd = mkdtempSync(join(tmpdir(), 'platewise-seed-'));
  copyFileSync(PHOTO.path, join(cwd, 'car.jpg'));
  let apps: Running[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    apps = [];
  });

  it('Snapshot cloud examples: plate reader (regions, config, strict, fast) and statistics', async () => {
    const key = cliJson('account', 'create', `seed-${Date.now()}`, '--plan', 'business').apiKey;
    apps = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
    ]);
    // upload_url's example fetches a photo from the internet, which this machine cannot reach.
    const examples = curlExamples(SNAPSHOT_DOC).filter(
      (c) => c.includes('api.platerecognizer.com/v1/plate-reader') && !c.includes('upload_url'),
    );
    expect(examples).toHaveLength(5);
    for (const command of examples) {
      const body = runCurl(command, key, cwd);
      expect({ command, keys: Object.keys(body).sort() }).toEqual({
        command,
        keys: ['camera_id', 'filename', 'processing_time', 'results', 'timestamp', 'version'],
      });
      expect({ command, plate: body.results[0]?.plate }).toEqual({ command, plate: PHOTO.plate });
    }
    const statistics = SNAPSHOT_DOC.match(
      /curl -H "Authorization: Token my-token\*+" \\\n\s*(https:\/\/api\.platerecognizer\.com\/v1\/statistics\/)/,
    );
    expect(statistics).not.toBeNull();
    const stats = runCurl(
      `curl -H "Authorization: Token my-token******" ${statistics![1]}`,
      key,
      cwd,
    );
    expect(stats).toEqual({
      usage: {
        month: expect.any(Number),
        calls: examples.length,
        year: expect.any(Number),
        resets_on: expect.any(String),
      },
      total_calls: 250000,
    });
  }, 120_000);

  it('On-premise SDK examples work without a token and report usage', async () => {
    const licence = cliJson(
      'account',
      'create',
      `seed-onprem-${Date.now()}`,
      '--plan',
      'business',
    ).apiKey;
    const onprem = { ...env, PLATEWISE_MODE: 'onprem', PLATEWISE_LICENSE_KEY: licence };
    apps = await Promise.all([
      startApp('gateway', onprem, GATEWAY_READY),
      startApp('worker', onprem, WORKER_READY),
    ]);
    const examples = curlExamples(SNAPSHOT_DOC).filter((c) => c.includes('localhost:8080'));
    expect(examples).toHaveLength(2);
    for (const [i, command] of examples.entries()) {
      const body = runCurl(command, '', cwd);
      expect(body.usage).toEqual({ calls: i + 1, max_calls: 250000 });
      expect(body.results[0].plate).toBe(PHOTO.plate);
    }
  }, 120_000);

  it('Pl@ntNet contract-tracking examples', async () => {
    const key = cliJson('account', 'create', `seed-v2-${Date.now()}`, '--plan', 'pro').apiKey;
    apps = [await startApp('gateway', env, GATEWAY_READY)];
    const commands = PLANTNET_DOC.split('\n').filter((l) => l.startsWith("curl '"));
    expect(commands).toHaveLength(2);
    for (const command of commands) {
      const local = command
        .replace('https://my-api.plantnet.org', `http://localhost:${port}`)
        .replace('YOUR_API_KEY', key);
      const body = JSON.parse(
        execFileSync('bash', ['-c', `${local} --silent --show-error`]).toString(),
      );
      if (command.includes('/v2/subscription')) {
        expect(Object.keys(body)).toEqual([
          'account',
          'contract',
          'history',
          'billing',
          'security',
        ]);
        expect(body.contract.plan).toBe('pro');
      } else {
        expect(body[0]).toEqual({
          day: new Date().toISOString().slice(0, 10),
          quota: { plate_reader: { count: 0 }, redact: { count: 0 }, stream: { count: 0 } },
        });
      }
    }
  }, 60_000);
});
