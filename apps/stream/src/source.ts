import { ChildProcess, spawn } from 'node:child_process';

/** One decoded frame: packed RGB, width × height × 3 bytes. */
export interface Frame {
  rgb: Buffer;
  width: number;
  height: number;
  /** when it was seen (ms since the epoch): the wall clock for a live source, start + media time for a file */
  t: number;
  /** frames delivered by this source so far, from 0 */
  index: number;
}

export interface SourceOptions {
  url: string;
  /** frames per second sampled from the source */
  fps: number;
  /** frames are scaled down (never up) so that their longest side is at most this */
  maxSide: number;
  /** RTSP transport */
  rtspTransport?: 'tcp' | 'udp';
  /**
   * A live source (camera, stream) is reconnected when it ends or stalls and its frames are timed
   * by the clock; a file is read once, as fast as frames are taken, timed by its own timeline.
   */
  live: boolean;
  /** a file's frames are timed from here (ms since the epoch; default: when the read starts) */
  startedAt?: number;
  /** a live source that delivers no frame for this long is restarted (ms) */
  stallMs?: number;
  /** the ffmpeg binary (default `ffmpeg` on PATH) */
  ffmpeg?: string;
}

export interface SourceHandlers {
  /** A frame. For a file, the next frame waits until the returned promise settles. */
  onFrame(frame: Frame): void | Promise<void>;
  /** connected (the first frame came), or lost with why; a live source then retries */
  onState?(state: 'connected' | 'lost', detail?: string): void;
}

/**
 * Wait before reconnect attempt n (from 0): 0.5 s doubling to at most 2 s: a camera that comes
 * back is read again within about 2 s (an ffmpeg attempt against a dead host costs little).
 */
export function backoffMs(attempt: number): number {
  return Math.min(2000, 500 * 2 ** attempt);
}

/** Whether a source is a stream (reconnected, clock-timed) rather than a file. */
export function isLiveUrl(url: string): boolean {
  return /^(rtsps?|rtmps?|https?|udp|tcp|srt):\/\//i.test(url);
}

/** ffmpeg's arguments: any input it reads → raw RGB at `fps`, longest side ≤ maxSide, on stdout. */
export function ffmpegArgs(options: SourceOptions): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'info'];
  if (/^rtsps?:/i.test(options.url)) args.push('-rtsp_transport', options.rtspTransport ?? 'tcp');
  if (options.live) args.push('-fflags', 'nobuffer');
  const side = Math.floor(options.maxSide);
  const scale =
    `scale=w='min(${side},iw)':h='min(${side},ih)'` +
    ':force_original_aspect_ratio=decrease:force_divisible_by=2';
  args.push('-i', options.url, '-an', '-sn', '-dn');
  args.push('-vf', `fps=${options.fps},${scale}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1');
  return args;
}

/** The output frame size from ffmpeg's log ("Stream #0:0: Video: rawvideo (RGB[24] …), rgb24, 1280x720"). */
export function outputSize(log: string): { width: number; height: number } | null {
  const out = log.indexOf('Output #0');
  if (out < 0) return null;
  const m = /Stream #0:0.*?Video: rawvideo.*?, (\d{2,5})x(\d{2,5})/.exec(log.slice(out));
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/**
 * Reads a source with ffmpeg until it ends (a file) or `signal` aborts (a live source, which is
 * reconnected with backoff whenever ffmpeg exits or stalls). Resolves when done; never rejects
 * for a source failure of a live stream (those are reported through onState).
 */
export async function readSource(
  options: SourceOptions,
  handlers: SourceHandlers,
  signal?: AbortSignal,
): Promise<void> {
  let index = 0;
  const startedAt = options.startedAt ?? Date.now();
  for (let attempt = 0; !signal?.aborted; attempt++) {
    const { framesRead, error } = await runOnce(options, handlers, signal, startedAt, index);
    index += framesRead;
    if (!options.live) {
      if (error && framesRead === 0) throw new Error(error);
      return;
    }
    handlers.onState?.('lost', error ?? 'the stream ended');
    if (framesRead > 0) attempt = 0;
    await sleep(backoffMs(attempt), signal);
  }
}

interface RunResult {
  framesRead: number;
  error: string | null;
}

function runOnce(
  options: SourceOptions,
  handlers: SourceHandlers,
  signal: AbortSignal | undefined,
  startedAt: number,
  firstIndex: number,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(options.ffmpeg ?? 'ffmpeg', ffmpegArgs(options), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    let size: { width: number; height: number } | null = null;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let framesRead = 0;
    let lastFrameAt = Date.now();
    let killedWhy: string | null = null;
    const stallMs = options.stallMs ?? 10_000;
    const kill = (why: string) => {
      killedWhy ??= why;
      child.kill('SIGKILL');
    };
    const onAbort = () => kill('stopped');
    signal?.addEventListener('abort', onAbort, { once: true });
    const watchdog = options.live
      ? setInterval(() => {
          if (Date.now() - lastFrameAt > stallMs) kill(`no frame for ${stallMs / 1000} s`);
        }, 1000)
      : null;

    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      // Only the head (stream descriptions) and the last lines (the error) are of use.
      log = log.length < 16_000 ? log + text : log.slice(0, 8000) + log.slice(-4000) + text;
      if (!size) size = outputSize(log);
      if (size && pendingBytes) drain();
    });

    let busy = false;
    const drain = () => {
      if (!size || busy) return;
      const frameBytes = size.width * size.height * 3;
      while (pendingBytes >= frameBytes) {
        const all = pending.length === 1 ? pending[0] : Buffer.concat(pending);
        const rgb = Buffer.from(all.subarray(0, frameBytes));
        const rest = all.subarray(frameBytes);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
        if (framesRead === 0) handlers.onState?.('connected');
        lastFrameAt = Date.now();
        const index = firstIndex + framesRead++;
        const t = options.live ? Date.now() : startedAt + Math.round((index * 1000) / options.fps);
        const done = handlers.onFrame({ rgb, width: size.width, height: size.height, t, index });
        if (!options.live && done) {
          // A file waits for its reader: ffmpeg is paused by the pipe filling up.
          busy = true;
          child.stdout!.pause();
          void Promise.resolve(done).finally(() => {
            busy = false;
            child.stdout!.resume();
            drain();
          });
          return;
        }
      }
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      drain();
    });

    let settled = false;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      if (watchdog) clearInterval(watchdog);
      signal?.removeEventListener('abort', onAbort);
      resolve({ framesRead, error });
    };
    child.on('error', (err) => finish(`cannot start ffmpeg: ${err.message}`));
    child.on('close', (code) => {
      const waitForReader = () => {
        if (busy) return setTimeout(waitForReader, 10);
        if (killedWhy) return finish(killedWhy === 'stopped' ? null : killedWhy);
        if (code === 0) return finish(null);
        const last = log.trim().split('\n').slice(-2).join(' ').trim();
        finish(`ffmpeg exited with code ${code}: ${last.slice(0, 300)}`);
      };
      waitForReader();
    });
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
