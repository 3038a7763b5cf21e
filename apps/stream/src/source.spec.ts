import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressInfo, createServer } from 'node:net';
import { Frame, hideCredentials, readSource, sourcePort, waitToRetry } from './source';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const clips = require('../../../scripts/lib/stream-clips.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jpegFrames, mjpegServer } = require('../../../scripts/lib/mjpeg-server.js');
const RTSP_SERVER = join(__dirname, '..', '..', '..', 'test', 'support', 'rtsp-server.py');

/** Mean and spread of a frame's grey levels (a flat grey frame has almost no spread). */
function spread(f: Frame): number {
  let sum = 0;
  let sq = 0;
  const n = f.width * f.height;
  for (let i = 0; i < f.rgb.length; i += 3) {
    sum += f.rgb[i + 1];
    sq += f.rgb[i + 1] ** 2;
  }
  return Math.sqrt(sq / n - (sum / n) ** 2);
}

describe('readSource (real ffmpeg)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'platewise-source-'));
  const clip = join(dir, 'still-then-moving.mp4');

  beforeAll(() => {
    // 4 s of a still grey scene with sensor noise, then 2 s of a moving test pattern, 25 frames/s.
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=640x360:r=25:d=4,noise=alls=4:allf=t',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=640x360:r=25:d=2',
      '-filter_complex',
      '[0:v][1:v]concat=n=2:v=1,format=yuv420p[v]',
      '-map',
      '[v]',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      clip,
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves unchanged frames out in ffmpeg (one every 2 s kept), counts them, and times each frame by its place', async () => {
    const frames: Array<Omit<Frame, 'rgb'> & { spread: number }> = [];
    await readSource(
      { url: clip, fps: 4, maxSide: 320, live: false, startedAt: 1_000_000 },
      {
        onFrame: (f) => void frames.push({ ...f, rgb: undefined, spread: spread(f) } as never),
      },
    );
    const still = frames.filter((f) => f.index < 16);
    const moving = frames.filter((f) => f.index >= 16);
    // The still 4 s (16 sampled frames): the first, and one 2 s later.
    expect(still.map((f) => [f.index, f.skipped])).toEqual([
      [0, 0],
      [8, 7],
    ]);
    expect(still.every((f) => f.spread < 10)).toBe(true);
    // The moving 2 s: every sampled frame, the pattern's own (not a stale grey one).
    expect(moving.map((f) => f.index)).toEqual([16, 17, 18, 19, 20, 21, 22, 23]);
    expect(moving[0].skipped).toBe(7);
    expect(moving.every((f) => f.spread > 30)).toBe(true);
    for (const f of frames) {
      expect(f.t).toBe(1_000_000 + f.index * 250);
      expect([f.width, f.height]).toEqual([320, 180]);
    }
  });

  it("keeps a camera's password out of what a lost source reports (ffmpeg names the URL)", async () => {
    // A port nothing listens on: ffmpeg fails with "rtsp://user:pass@…: Connection refused".
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    const stop = new AbortController();
    const lost: string[] = [];
    await readSource(
      { url: `rtsp://admin:S3cret@127.0.0.1:${port}/cam`, fps: 4, maxSide: 320, live: true },
      {
        onFrame: () => undefined,
        onState: (state, detail) => {
          if (state !== 'lost') return;
          lost.push(detail ?? '');
          stop.abort();
        },
      },
      stop.signal,
    );
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/ffmpeg exited/);
    expect(lost[0]).toContain(`rtsp://***@127.0.0.1:${port}/cam`);
    expect(lost[0]).not.toContain('S3cret');
  });

  it('delivers an RTSP session from its first frames: what ffmpeg read while probing is decoded too', async () => {
    // A clip whose frames carry their number, served by GStreamer's RTSP server from its first
    // frame (a key frame) in real time; a key frame every second, as cameras send them.
    const counted = clips.counterClip({
      out: join(dir, 'counted.mp4'),
      width: 640,
      height: 360,
      seconds: 4,
      gop: 25,
    });
    const server = spawn('/usr/bin/python3', [RTSP_SERVER, '0', 'cam', counted], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (c) => {
          out += c;
          const m = /rtsp ready (\d+)/.exec(out);
          if (m) resolve(m[1]);
        });
        server.once('exit', (code) => reject(new Error(`rtsp-server.py exited with ${code}`)));
      });
      const stop = new AbortController();
      const numbers: number[] = [];
      await readSource(
        { url: `rtsp://127.0.0.1:${port}/cam`, fps: 4, maxSide: 320, live: true },
        {
          onFrame: (f) => {
            numbers.push(clips.frameNumber(f.rgb, f.width, f.height));
            if (numbers.length === 3) stop.abort();
          },
        },
        stop.signal,
      );
      // 4 of the clip's 25 frames/s: the first sampled frame is the last of its first quarter
      // second (frame 3 or 4), then one in 6 or 7. With `-fflags nobuffer` the packets read
      // while probing (the first key frame's among them) were thrown away and the first frame
      // delivered came after the next key frame: number 28 or 53.
      expect(numbers[0]).toBeLessThanOrEqual(6);
      expect(numbers[1] - numbers[0]).toBeGreaterThanOrEqual(5);
      expect(numbers[1] - numbers[0]).toBeLessThanOrEqual(8);
    } finally {
      server.kill('SIGKILL');
    }
  }, 30_000);

  it('hands each sampled frame over as soon as ffmpeg has it, not when the next one is sampled', async () => {
    // An MJPEG camera that sends 16 frames 40 ms apart (0.6 s at 25/s), then nothing more.
    const jpegDir = join(dir, 'jpegs');
    mkdirSync(jpegDir);
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=320x180:r=25:d=1',
      '-frames:v',
      '16',
      '-q:v',
      '4',
      join(jpegDir, '%02d.jpg'),
    ]);
    const jpegs = readdirSync(jpegDir)
      .sort()
      .map((f) => readFileSync(join(jpegDir, f)));
    const server = createHttpServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=frame' });
      let i = 0;
      const timer = setInterval(() => {
        const jpeg = jpegs[i++];
        if (!jpeg) return clearInterval(timer);
        res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
        res.write(jpeg);
        res.write('\r\n');
      }, 40);
      req.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mjpeg`;
    const stop = new AbortController();
    const frames: number[] = [];
    // Sampled at 4/s: the first quarter second's last frame, then the second's, which ffmpeg
    // passes on once the third quarter's first frame comes. Both must arrive: the encoder held
    // each frame until the next one was sampled, so the second never came.
    const waited = setTimeout(() => stop.abort(), 8000);
    try {
      await readSource(
        { url, fps: 4, maxSide: 320, live: true, stallMs: 60_000 },
        {
          onFrame: (f) => {
            frames.push(f.index);
            if (frames.length === 2) stop.abort();
          },
        },
        stop.signal,
      );
    } finally {
      clearTimeout(waited);
      server.closeAllConnections();
      server.close();
    }
    expect(frames).toEqual([0, 1]);
  }, 30_000);

  /**
   * Reads a live source of counterClip frames from a 5 frames/s camera at 4/s, for 4 s from the
   * first frame (ffmpeg's start is not measured; at most 20 s in all), and checks they were
   * sampled at that rate: a camera whose stream has no timestamps was sampled as if it sent 25.
   */
  async function expectSampledAtFourASecond(source: { url: string; format?: string }) {
    const stop = new AbortController();
    const frames: Array<{ n: number; t: number; index: number }> = [];
    const states: string[] = [];
    const warnings: string[] = [];
    const started = Date.now();
    let first = 0;
    const giveUp = setTimeout(() => stop.abort(), 20_000);
    try {
      await readSource(
        { ...source, fps: 4, maxSide: 320, live: true },
        {
          onFrame: (f) => {
            frames.push({ n: clips.frameNumber(f.rgb, f.width, f.height), t: f.t, index: f.index });
            if (frames.length === 1) {
              first = Date.now();
              setTimeout(() => stop.abort(), 4000);
            }
          },
          onState: (state) => void states.push(state),
          onWarning: (text) => void warnings.push(text),
        },
        stop.signal,
      );
    } finally {
      clearTimeout(giveUp);
    }
    const ended = Date.now();
    // 16 expected in 4 s; at least 60 % of them on a loaded machine (it was 3).
    expect(frames.length).toBeGreaterThanOrEqual(10);
    // Consecutive frames 1 or 2 JPEGs apart (5 a second sampled at 4), never the 6 of 25/s.
    const gaps = frames.slice(1).map((f, i) => f.n - frames[i].n);
    expect(gaps.every((g) => g >= 1)).toBe(true);
    expect(gaps.filter((g) => g <= 2).length).toBeGreaterThanOrEqual(0.8 * gaps.length);
    // Timed by the clock, in order; ffmpeg's sample numbers follow the clock at 4 a second.
    for (const [i, f] of frames.entries()) {
      expect(f.t).toBeGreaterThanOrEqual(i ? frames[i - 1].t : started);
      expect(f.t).toBeLessThanOrEqual(ended);
      if (i) expect(f.index).toBeGreaterThan(frames[i - 1].index);
    }
    const last = frames[frames.length - 1];
    const span = (last.t - frames[0].t) / 1000;
    expect(span).toBeGreaterThan(3);
    expect(last.t).toBeGreaterThanOrEqual(first);
    const perSecond = (last.index - frames[0].index) / span;
    expect(perSecond).toBeGreaterThan(3);
    expect(perSecond).toBeLessThan(5);
    // Stopped, not lost; and nothing to say of a source whose format is known.
    expect(states).toEqual(['connected']);
    expect(warnings).toEqual([]);
  }

  /** A 30-s counterClip of a 5 frames/s camera. */
  const counted5fps = (name: string) =>
    clips.counterClip({
      out: join(dir, `${name}.mp4`),
      width: 320,
      height: 180,
      fps: 5,
      seconds: 30,
    });

  it('samples an MJPEG camera at the configured rate, timed by when its JPEGs come (MJPEG has no timestamps)', async () => {
    // A 5 frames/s camera whose every JPEG carries its number, sampled at 4/s. Without
    // -use_wallclock_as_timestamps ffmpeg timed the JPEGs at 25/s: 5 frames in 6 s were
    // delivered, each about 6 JPEGs after the last.
    const { server, url } = await mjpegServer({
      jpegs: jpegFrames(counted5fps('counted-5fps'), join(dir, 'counted-jpegs')),
      fps: 5,
    });
    try {
      await expectSampledAtFourASecond({ url });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 60_000);

  it('samples a raw MJPEG stream over tcp:// at the configured rate, timed on arrival once its format is named', async () => {
    // ffmpeg publishing the numbered frames as bare JPEGs, 5 a second, to the reader that
    // connects. Probed (before `format`), ffmpeg took them for an image sequence at 25/s and
    // delivered none in 20 s; named but timed as 25/s, 4 in the 4 s instead of 16.
    const publisher = await rawTcpPublisher([
      '-re',
      '-i',
      counted5fps('raw-5fps'),
      '-c:v',
      'mjpeg',
      '-q:v',
      '4',
      '-f',
      'mjpeg',
    ]);
    try {
      await expectSampledAtFourASecond({ url: publisher.url, format: 'mjpeg' });
    } finally {
      publisher.child.kill('SIGKILL');
    }
  }, 60_000);

  it('warns once of a tcp:// stream ffmpeg finds to carry no timestamps when its format is not named', async () => {
    // 25 frames/s, so that ffmpeg's probe (5 s of what it takes for 25 frames/s) ends in 5 s.
    const publisher = await rawTcpPublisher([
      '-re',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=320x180:r=25',
      '-t',
      '30',
      '-c:v',
      'mjpeg',
      '-f',
      'mjpeg',
    ]);
    const stop = new AbortController();
    const warnings: string[] = [];
    const giveUp = setTimeout(() => stop.abort(), 20_000);
    try {
      await readSource(
        { url: publisher.url, fps: 4, maxSide: 320, live: true },
        {
          onFrame: () => undefined,
          onWarning: (text) => {
            warnings.push(text);
            stop.abort();
          },
        },
        stop.signal,
      );
    } finally {
      clearTimeout(giveUp);
      publisher.child.kill('SIGKILL');
    }
    expect(warnings).toEqual([expect.stringMatching(/no timestamps.*`format: mjpeg`/)]);
  }, 60_000);

  /**
   * ffmpeg (`args`: its input and output options) publishing a raw stream on a free TCP port to
   * the one reader that connects (`?listen=1`); resolves once it listens.
   */
  async function rawTcpPublisher(args: string[]) {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const child = spawn(
      'ffmpeg',
      ['-loglevel', 'error', ...args, `tcp://127.0.0.1:${port}?listen=1`],
      { stdio: 'ignore' },
    );
    // Seen in the kernel's table, not by connecting: the publisher serves its first client only.
    const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const listening = () =>
      readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .some((line) => {
          const [, local, , state] = line.trim().split(/\s+/);
          return local?.endsWith(hexPort) && state === '0A';
        });
    for (let i = 0; i < 200 && !listening(); i++) await new Promise((r) => setTimeout(r, 25));
    return { child, url: `tcp://127.0.0.1:${port}` };
  }

  it('reports no loss when stopped: a stop is not a lost camera (no reconnect counted, no log line)', async () => {
    const { server, url } = await mjpegServer({
      jpegs: jpegFrames(
        clips.counterClip({
          out: join(dir, 'stop.mp4'),
          width: 320,
          height: 180,
          fps: 5,
          seconds: 4,
        }),
        join(dir, 'stop-jpegs'),
      ),
      fps: 5,
    });
    const stop = new AbortController();
    const states: Array<[string, string | undefined]> = [];
    let frames = 0;
    const giveUp = setTimeout(() => stop.abort(), 20_000);
    try {
      await readSource(
        { url, fps: 4, maxSide: 320, live: true },
        {
          onFrame: () => {
            if (++frames === 2) stop.abort();
          },
          onState: (state, detail) => void states.push([state, detail]),
        },
        stop.signal,
      );
      // Stopped before ffmpeg delivered anything (still connecting): no loss either.
      const early = new AbortController();
      setTimeout(() => early.abort(), 100);
      await readSource(
        { url, fps: 4, maxSide: 320, live: true },
        {
          onFrame: () => undefined,
          onState: (state, detail) => void states.push([state, detail]),
        },
        early.signal,
      );
    } finally {
      clearTimeout(giveUp);
      server.closeAllConnections();
      server.close();
    }
    expect(frames).toBe(2);
    expect(states).toEqual([['connected', undefined]]);
  }, 30_000);

  it('retries a source whose port refused connections as soon as it accepts one again, others after the whole backoff', async () => {
    const listen = (port = 0) =>
      new Promise<ReturnType<typeof createServer>>((resolve) => {
        const server = createServer((socket) => socket.destroy());
        server.listen(port, '127.0.0.1', () => resolve(server));
      });
    const closed = await listen();
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const url = `rtsp://u:p@127.0.0.1:${port}/cam`;
    // Refused at first; the port opens 300 ms in: the 5-s wait ends within a check of it.
    let started = Date.now();
    const opening = new Promise<ReturnType<typeof createServer>>((resolve) =>
      setTimeout(() => resolve(listen(port)), 300),
    );
    await waitToRetry(url, 5000);
    const waited = Date.now() - started;
    const server = await opening;
    try {
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(3000);
      // Accepting from the start: the whole wait.
      started = Date.now();
      await waitToRetry(url, 600);
      expect(Date.now() - started).toBeGreaterThanOrEqual(590);
      // Aborted: at once.
      const stop = new AbortController();
      stop.abort();
      started = Date.now();
      await waitToRetry(url, 5000, stop.signal);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(sourcePort('rtsp://admin:x@10.0.0.5/stream1')).toEqual({ host: '10.0.0.5', port: 554 });
    expect(sourcePort('https://[::1]/live.m3u8')).toEqual({ host: '::1', port: 443 });
    expect(sourcePort('/videos/a.mp4')).toBeNull();
    expect(sourcePort('file:///videos/a.mp4')).toBeNull();
  });

  it('hides the user and password of every URL in a text', () => {
    expect(
      hideCredentials('open http://u:p@cam.local/a and rtsps://only-user@10.0.0.5:554/s, not a@b'),
    ).toBe('open http://***@cam.local/a and rtsps://***@10.0.0.5:554/s, not a@b');
    expect(hideCredentials('rtsp://10.0.0.5/live?user=x')).toBe('rtsp://10.0.0.5/live?user=x');
  });
});
