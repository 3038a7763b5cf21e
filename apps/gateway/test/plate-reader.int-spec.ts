/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
/**
 * POST /v1/plate-reader/ in one process: the real gateway module (auth, quota, upload parsing,
 * request rules) hands the call to the real recognition handler with the real engine over the
 * in-process transport, so the route is tested without a worker process or the queue.
 */
import { createEngine, Engine } from '@platewise/engine';
import { InProcessTransport, RecognitionHandler } from '@platewise/recognition';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, startHarness, uniqueName } from './harness';

const DEV = join(__dirname, '..', '..', '..', '..', 'shared', 'alpr-dev');
const BR = { path: 'images/br/AYO9034.jpg', plate: 'ayo9034' };

describe('POST /v1/plate-reader/ through the real handler, in process', () => {
  let h: Harness;
  let engine: Engine;
  let key: string;

  beforeAll(async () => {
    engine = await createEngine({ threads: 2 });
    h = await startHarness({ recognition: new InProcessTransport(new RecognitionHandler(engine)) });
    const plan = uniqueName('inproc');
    await h.admin.savePlan({ name: plan, callsPerSecond: 100 });
    key = (await h.admin.createAccount(uniqueName('inproc'), plan)).apiKey;
  });
  afterAll(async () => {
    await h.close();
    await engine.close();
  });

  const post = () => h.http().post('/v1/plate-reader/').set('Authorization', `Token ${key}`);

  it('reads the plate of an uploaded photo and answers the Snapshot envelope', async () => {
    const res = await post()
      .attach('upload', readFileSync(join(DEV, BR.path)), 'car.jpg')
      .field('regions', 'br')
      .field('camera_id', 'gate-1')
      .expect(201);
    expect(res.body.results[0].plate).toBe(BR.plate);
    expect(res.body).toMatchObject({ filename: 'car.jpg', version: 1, camera_id: 'gate-1' });
    expect(res.body.processing_time).toBeGreaterThan(0);
    expect(res.headers['server-timing']).toMatch(/engine;dur=/);
  });

  it('reads strict region without regions as the Snapshot API does (no effect), naming it ignored', async () => {
    const jpeg = readFileSync(join(DEV, BR.path));
    const strict = await post()
      .attach('upload', jpeg, 'car.jpg')
      .field('config', '{"region":"strict"}')
      .expect(201);
    expect(strict.body.results[0].plate).toBe(BR.plate);
    expect(strict.headers['x-platewise-ignored-config']).toBe('region');
  });

  it('answers a file name that is not ASCII as it was sent', async () => {
    const res = await post()
      .attach('upload', readFileSync(join(DEV, BR.path)), 'café_車.jpg')
      .expect(201);
    expect(res.body.filename).toBe('café_車.jpg');
  });

  it('refuses before the handler runs: wrong type, too large', async () => {
    // an image posted raw, or text: not a form or JSON (as Django REST Framework answers it)
    for (const type of ['image/jpeg', 'text/plain']) {
      const raw = await post()
        .set('Content-Type', type)
        .send(readFileSync(join(DEV, BR.path)))
        .expect(415);
      expect(raw.body.detail).toMatch(new RegExp(`^Unsupported media type "${type}" in request`));
    }
    const pdf = await post()
      .attach('upload', Buffer.from('%PDF-1.7 not an image'), 'doc.pdf')
      .expect(415);
    expect(pdf.body.detail).toMatch(/Unsupported image type/);
    const big = await post()
      .send({ upload: Buffer.alloc(4 * 1048576, 1).toString('base64') })
      .expect(413);
    expect(big.body).toEqual({
      detail: big.body.error,
      error: expect.stringMatching(/maximum upload size is 3 MB/),
    });
  });

  it('reads a base64 image sent urlencoded up to the plan limit, though percent-encoding triples it', async () => {
    const limit = 3145728; // the test plan's
    // A real photo padded after its end with 0xFF bytes: base64 `/` all along, `%2F` once encoded.
    const padded = (size: number) => {
      const jpeg = readFileSync(join(DEV, BR.path));
      return Buffer.concat([jpeg, Buffer.alloc(size - jpeg.length, 0xff)]);
    };
    const urlencoded = (image: Buffer) =>
      post()
        .type('form')
        .send(`upload=${encodeURIComponent(image.toString('base64'))}&regions=br`);
    const atLimit = await urlencoded(padded(limit)).expect(201);
    expect(atLimit.body.results[0].plate).toBe(BR.plate);
    const over = await urlencoded(padded(limit + 1)).expect(413);
    expect(over.body.error).toMatch(/maximum upload size is 3 MB/);
  });

  it("answers an undecodable image with the handler's refusal (400), uncounted", async () => {
    const calls = async () =>
      (await h.http().get('/v1/statistics/').set('Authorization', `Token ${key}`).expect(200)).body
        .usage.calls;
    const before = await calls();
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64)]);
    const res = await post().attach('upload', broken, 'broken.jpg').expect(400);
    expect(res.body.detail).toMatch(/decode/i);
    expect(await calls()).toBe(before);
  });

  it('answers another method on /v1/statistics/ 405 with Allow, as on the recognition route', async () => {
    const res = await h
      .http()
      .post('/v1/statistics/')
      .set('Authorization', `Token ${key}`)
      .expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body.detail).toBe('Only GET is allowed on /v1/statistics/.');
  });
});
