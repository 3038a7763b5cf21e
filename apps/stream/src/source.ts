import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { UNTIMED_FORMATS } from './input-formats';
import { sleep } from './sleep';

/** One decoded frame: packed RGB, width × height × 3 bytes. */
export interface Frame {
  rgb: Buffer;
  width: number;
  height: number;
  /** when it was seen (ms since the epoch): the wall clock for a live source, start + media time for a file */
  t: number;
  /** the frame's place among the frames sampled from this source (at `fps`), from 0 */
  index: number;
  /**
   * sampled frames just before this one that ffmpeg found unchanged and did not deliver (a still
   * scene): counted as sampled and still by the caller
   */
  skipped: number;
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
   * ffmpeg's input format (`-f`: `mjpeg`, `h264`, `mpegts`…); default: ffmpeg probes it. Named,
   * it also decides whether the frames are timed on arrival (timedOnArrival).
   */
  format?: string;
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
  /** decoding threads of ffmpeg (default 1) */
  decodeThreads?: number;
  /** deliver every sampled frame, unchanged ones too (bench:stream measures what leaving them out saves) */
  keepStill?: boolean;
}

export interface SourceHandlers {
  /** A frame. For a file, the next frame waits until the returned promise settles. */
  onFrame(frame: Frame): void | Promise<void>;
  /** connected (the first frame came), or lost with why; a live source then retries */
  onState?(state: 'connected' | 'lost', detail?: string): void;
  /** something about the source its config should change (said once per read) */
  onWarning?(text: string): void;
}

/**
 * Wait before reconnect attempt n (from 0): 0.5 s, then 1 s between attempts: a camera that comes
 * back is read again within about a second, which matters more than the little an ffmpeg attempt
 * against a dead host costs (one short-lived process per second). Cut short when the camera's
 * port opens again (waitToRetry).
 */
export function backoffMs(attempt: number): number {
  return Math.min(1000, 500 * 2 ** attempt);
}

/** How often a source whose port refused connections is checked while waiting to retry (ms). */
export const PORT_CHECK_MS = 250;

const DEFAULT_PORTS: Record<string, number> = {
  'rtsp:': 554,
  'rtsps:': 322,
  'http:': 80,
  'https:': 443,
  'rtmp:': 1935,
};

/** The host and TCP port a network source is read from; null for a file or another scheme. */
export function sourcePort(url: string): { host: string; port: number } | null {
  try {
    const u = new URL(url);
    const port = u.port ? Number(u.port) : DEFAULT_PORTS[u.protocol];
    if (!port || !u.hostname) return null;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return null;
  }
}

/** Whether a TCP connection to host:port is accepted within `ms` (false once `signal` aborts). */
function accepts(
  target: { host: string; port: number },
  ms: number,
  signal?: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(target);
    const done = (ok: boolean) => {
      signal?.removeEventListener('abort', refused);
      socket.destroy();
      resolve(ok);
    };
    const refused = () => done(false);
    signal?.addEventListener('abort', refused, { once: true });
    socket.setTimeout(ms, refused);
    socket.once('connect', () => done(true));
    socket.once('error', refused);
  });
}

/**
 * Waits `ms` before a live source is retried, or less: when its port refused connections at the
 * start of the wait (a camera or RTSP server restarting), it is retried as soon as the port
 * accepts one again (checked every PORT_CHECK_MS), so a server that comes back is read within a
 * quarter of a second rather than after the rest of the backoff. A port that accepts from the
 * start (the failure was something else: a wrong path or password) waits the whole backoff, so a
 * camera that answers but fails is not retried more often than before.
 */
export async function waitToRetry(url: string, ms: number, signal?: AbortSignal): Promise<void> {
  const target = sourcePort(url);
  const until = Date.now() + ms;
  if (signal?.aborted) return;
  if (!target || (await accepts(target, ms, signal))) return sleep(until - Date.now(), signal);
  while (!signal?.aborted && Date.now() < until) {
    await sleep(Math.min(PORT_CHECK_MS, until - Date.now()), signal);
    if (await accepts(target, Math.max(1, until - Date.now()), signal)) return;
  }
}

/** Whether a URL names an HLS playlist (`….m3u8`, with or without a query). */
export function isHls(url: string): boolean {
  return /\.m3u8(\?|#|$)/i.test(url);
}

/**
 * The text with the user and password of every URL in it replaced by `***`: ffmpeg names the
 * input URL in its errors, and a camera's URL usually carries its credentials
 * (`rtsp://admin:secret@10.0.0.5/stream1`), which must not reach the logs.
 */
export function hideCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, '$1***@');
}

/** Whether a source is a stream (reconnected, clock-timed) rather than a file. */
export function isLiveUrl(url: string): boolean {
  return /^(rtsps?|rtmps?|https?|udp|tcp|srt):\/\//i.test(url);
}

/** Whether a URL is a bare TCP or UDP stream, whose format ffmpeg learns only by probing it. */
export function isRawTransport(url: string): boolean {
  return /^(tcp|udp):\/\//i.test(url);
}

/**
 * Whether a source's frames are timed by when they come (`-use_wallclock_as_timestamps`) rather
 * than by timestamps in the stream. A format without timestamps (UNTIMED_FORMATS) has no other
 * clock: ffmpeg numbered an MJPEG camera's frames at 25 a second, so a 5 frames/s camera's
 * second lasted 0.2 s of video and the `fps` filter kept about one JPEG in six (0.8 frames/s
 * delivered instead of 4; a vehicle could pass between two); a raw MJPEG or H.264 stream over
 * tcp:// or udp:// did the same. So a live source is timed on arrival when its format, named in
 * its config, is one of those; unnamed, by its URL: a live source over HTTP(S) other than an HLS
 * playlist is an MJPEG camera (multipart/x-mixed-replace), while tcp:// and udp:// keep their
 * timestamps, as what they most often carry is MPEG-TS (named `format: mjpeg` or `h264`, a raw
 * stream over them is timed on arrival; unnamed, readSource warns when ffmpeg finds one).
 * RTSP (RTP timestamps), RTMP (FLV) and HLS are timed by the stream, and a file must keep its own
 * timeline (it is read faster than real time); a live stream is timed by the clock in Node in
 * any case, so a stream over HTTP that does carry timestamps (MPEG-TS, FLV) is sampled by when
 * its frames come instead, which for a live stream is almost the same.
 */
export function timedOnArrival(options: SourceOptions): boolean {
  if (!options.live) return false;
  if (options.format) return UNTIMED_FORMATS.has(options.format);
  return /^https?:/i.test(options.url) && !isHls(options.url);
}

/**
 * A warning for a live tcp:// or udp:// source whose format was not named and that ffmpeg found
 * to carry no timestamps (from its log: "Input #0, jpeg_pipe, from 'tcp://…'"): such a stream is
 * sampled at the wrong rate until its format is named. Null when there is nothing to say.
 */
export function untimedFormatWarning(options: SourceOptions, log: string): string | null {
  if (!options.live || options.format || !isRawTransport(options.url)) return null;
  const found = /^Input #0, ([\w,]+), from /m.exec(log)?.[1].split(',');
  const untimed = found?.find((f) => UNTIMED_FORMATS.has(f));
  if (!untimed) return null;
  // ffmpeg's probe takes raw JPEGs for an image sequence; the mjpeg demuxer reads them as a stream.
  const name = untimed === 'jpeg_pipe' || untimed === 'image2pipe' ? 'mjpeg' : untimed;
  return (
    `the stream is ${untimed}, which carries no timestamps: ffmpeg times it at 25 frames/s, ` +
    `so it is sampled at the wrong rate; set \`format: ${name}\` to time its frames on arrival`
  );
}

/**
 * A still scene still delivers a frame this often (ms): it keeps the stall watchdog and the
 * tracker's clock going, and the motion gate's reference recent.
 */
export const KEEPALIVE_MS = 2000;

/** The descriptor ffmpeg writes each delivered frame's timestamp to (`metadata` filter). */
const TIMES_FD = 3;

/**
 * ffmpeg's arguments: any input it reads → raw RGB at `fps`, longest side ≤ maxSide, on stdout,
 * and each delivered frame's timestamp on descriptor 3.
 *
 * What a still scene costs is decided here: of the sampled frames, `mpdecimate` passes only
 * those that differ from the last one passed (any 8×8 block changed by more than 12 grey
 * levels on average, or a third of them by 5: more sensitive than the motion gate that follows
 * in Node) and one every KEEPALIVE_MS, so unchanged frames are neither scaled, converted to RGB
 * nor piped to Node. The decoder runs on one thread by default (frame threads cost ~10 % more
 * CPU in synchronisation, and one core decodes 1080p H.264 several times faster than real time)
 * and skips non-reference frames (B-frames no later frame is predicted from): at a few frames/s
 * sampled from 25 they are rarely the one sampled, and the frames that are decoded are exact.
 *
 * What a (re)connection costs is decided here too: the packets ffmpeg reads while it probes the
 * input are decoded like the rest (no `-fflags nobuffer`, which threw them away: the session's
 * first key frame with them, so nothing was decoded before the next one, 1–2 s later), an RTSP
 * session is probed no further than its first packet, and each frame leaves as soon as it is
 * sampled (see below).
 */
export function ffmpegArgs(options: SourceOptions): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'info'];
  if (/^rtsps?:/i.test(options.url)) {
    // The SDP names the codec and, for H.264/H.265, carries the parameter sets (the frame size):
    // probing packets for 5 s or 5 MB (ffmpeg's defaults; it stopped after about a second,
    // estimating the frame rate) only delays the first frame. A stream whose size is not in the
    // SDP is still read: the decoder finds it in the stream, and the output size is parsed from
    // what ffmpeg prints once the first frame is decoded.
    args.push('-rtsp_transport', options.rtspTransport ?? 'tcp', '-probesize', '32');
  }
  // An HLS playlist is read at its own pace, from its newest segment: ffmpeg downloads a playlist
  // as fast as it can, so a recording's (VOD) frames came in a burst, most of them dropped while
  // the engine read one, and timed by the clock rather than the video; a live playlist starts at
  // its last segment (ffmpeg's default is three from the end) so the pacing adds no delay.
  if (options.live && isHls(options.url)) args.push('-re', '-live_start_index', '-1');
  if (timedOnArrival(options)) args.push('-use_wallclock_as_timestamps', '1');
  args.push('-threads', String(options.decodeThreads ?? 1), '-skip_frame', 'noref');
  if (options.format) args.push('-f', options.format);
  args.push('-i', options.url, '-an', '-sn', '-dn');
  const side = Math.floor(options.maxSide);
  const filters = [`fps=${options.fps}`];
  // At most this many sampled frames in a row are left out (0: below 1 frame/s every one is kept).
  const maxLeftOut = Math.floor((KEEPALIVE_MS / 1000) * options.fps) - 1;
  if (maxLeftOut > 0 && !options.keepStill) filters.push(`mpdecimate=max=${maxLeftOut}`);
  filters.push(
    // Every frame that goes on gets a key for `print` to write its pts (in 1/fps units) with.
    'metadata=add:key=platewise:value=1',
    `metadata=print:key=platewise:file=pipe\\\\:${TIMES_FD}:direct=1`,
    `scale=w='min(${side},iw)':h='min(${side},ih)'` +
      ':force_original_aspect_ratio=decrease:force_divisible_by=2',
  );
  args.push('-vf', filters.join(','), '-fps_mode', 'passthrough');
  // The raw video encoder is frame-threaded by default: it held each frame until the next one was
  // sampled (250 ms at 4 frames/s; in a still scene up to KEEPALIVE_MS, and the first frame of a
  // connection waited for the second).
  args.push('-threads', '1', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1');
  return args;
}

/** The pts of each frame in `metadata` filter output ("frame:0    pts:8       pts_time:2"). */
export function framePts(text: string): number[] {
  return [...text.matchAll(/^frame:\d+\s+pts:(-?\d+)\s/gm)].map((m) => Number(m[1]));
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
  // Said once, not at every reconnection.
  let warned = false;
  const perRead: SourceHandlers = {
    ...handlers,
    onWarning: (text) => {
      if (!warned) handlers.onWarning?.(text);
      warned = true;
    },
  };
  for (let attempt = 0; !signal?.aborted; attempt++) {
    const { framesRead, sampled, error } = await runOnce(
      options,
      perRead,
      signal,
      startedAt,
      index,
    );
    index += sampled;
    if (!options.live) {
      if (error && framesRead === 0) throw new Error(error);
      return;
    }
    // Stopped (SIGTERM, SIGINT): ffmpeg was killed on purpose, and the camera was not lost; a
    // 'lost' here counted a reconnect and logged "lost (the stream ended)" on every stop.
    if (signal?.aborted) return;
    handlers.onState?.('lost', error ?? 'the stream ended');
    if (framesRead > 0) attempt = 0;
    await waitToRetry(options.url, backoffMs(attempt), signal);
  }
}

interface RunResult {
  /** frames delivered */
  framesRead: number;
  /** frames sampled up to the last one delivered */
  sampled: number;
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
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let log = '';
    let inputKnown = false;
    let size: { width: number; height: number } | null = null;
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    // The pts (1/fps units) of the frames whose pixels have not all come yet, in order.
    const pts: number[] = [];
    let firstPts: number | null = null;
    let sampled = 0;
    let framesRead = 0;
    let lastFrameAt = Date.now();
    let killedWhy: string | null = null;
    // A still scene delivers a frame every KEEPALIVE_MS, a slow sampling rate every 1/fps.
    const stallMs = Math.max(
      options.stallMs ?? 10_000,
      Math.round(2500 / options.fps),
      2 * KEEPALIVE_MS,
    );
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
      // The whole line: a chunk may end inside it.
      if (!inputKnown && /^Input #0, [\w,]+, from /m.test(log)) {
        inputKnown = true;
        const warning = untimedFormatWarning(options, log);
        if (warning) handlers.onWarning?.(warning);
      }
      if (size && pendingBytes) drain();
    });
    let times = '';
    const timesPipe = child.stdio[TIMES_FD] as NodeJS.ReadableStream;
    timesPipe.setEncoding('utf8');
    timesPipe.on('data', (text: string) => {
      const lines = (times + text).split('\n');
      times = lines.pop() ?? '';
      pts.push(...framePts(lines.join('\n')));
      if (pendingBytes) drain();
    });

    /** The next `n` bytes of what ffmpeg wrote, in one buffer of their own (one copy). */
    const take = (n: number): Buffer => {
      const out = Buffer.allocUnsafeSlow(n);
      for (let at = 0; at < n;) {
        const head = pending[0];
        const used = head.copy(out, at, 0, Math.min(head.length, n - at));
        at += used;
        if (used === head.length) pending.shift();
        else pending[0] = head.subarray(used);
      }
      pendingBytes -= n;
      return out;
    };

    let busy = false;
    const drain = () => {
      if (!size || busy) return;
      const frameBytes = size.width * size.height * 3;
      // ffmpeg writes a frame's timestamp before its pixels; the pipes may still come apart.
      while (pendingBytes >= frameBytes && pts.length) {
        const rgb = take(frameBytes);
        const p = pts.shift()!;
        // The first frame is always delivered (mpdecimate keeps it): the others count from it.
        firstPts ??= p;
        const at = p - firstPts;
        const skipped = Math.max(0, at - sampled);
        sampled = Math.max(sampled, at + 1);
        if (framesRead === 0) handlers.onState?.('connected');
        framesRead++;
        lastFrameAt = Date.now();
        const index = firstIndex + at;
        const t = options.live ? Date.now() : startedAt + Math.round((index * 1000) / options.fps);
        const frame = { rgb, width: size.width, height: size.height, t, index, skipped };
        const done = handlers.onFrame(frame);
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
      resolve({ framesRead, sampled, error });
    };
    child.on('error', (err) => finish(`cannot start ffmpeg: ${err.message}`));
    child.on('close', (code) => {
      const waitForReader = () => {
        if (busy) return setTimeout(waitForReader, 10);
        if (killedWhy) return finish(killedWhy === 'stopped' ? null : killedWhy);
        if (code === 0) return finish(null);
        const last = hideCredentials(log.trim().split('\n').slice(-2).join(' ').trim());
        finish(`ffmpeg exited with code ${code}: ${last.slice(0, 300)}`);
      };
      waitForReader();
    });
  });
}
