import { Command, Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import {
  allOf,
  bestFrames,
  CameraPipeline,
  createStreamEngine,
  DEFAULT_TRACKER,
  EventSink,
  isLiveUrl,
  jsonLines,
  parseConfig,
} from '@platewise/stream';

interface StreamFlags {
  cameraId: string;
  regions: string[];
  fps: string;
  mmc?: boolean;
  out?: string;
  framesDir?: string;
  maxSide: string;
  rtspTransport: 'tcp' | 'udp';
  minReads: string;
  startTime?: string;
  threads?: string;
  device?: 'cpu' | 'cuda';
}

/**
 * `platewise stream <file|url> --camera-id ID`: one source read (a file to its end, a stream until
 * SIGINT/SIGTERM) into vehicle events, one JSON line each on --out or stdout. The same pipeline as
 * apps/stream's service (engine thread, motion gate, tracker), for one camera and no gateway.
 */
export function registerStreamCommand(program: Command): void {
  program
    .command('stream')
    .description('read plates from a video file or a camera stream: one JSON line per vehicle')
    .argument('<source>', 'video file, or rtsp://, http(s):// (MJPEG, HLS) URL')
    .requiredOption('--camera-id <id>', 'camera id written in every event')
    .option(
      '--regions <code>',
      'region hint, repeatable',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--fps <n>', 'frames per second sampled', '4')
    .option('--mmc', 'predict vehicle colour, orientation and make/model')
    .option('--out <file.jsonl>', 'events file (default: stdout)')
    .option('--frames-dir <dir>', 'save each event best frame as JPEG here')
    .option('--max-side <px>', 'frames scaled so their longest side is at most this', '1280')
    .addOption(
      new Option('--rtsp-transport <t>', 'RTSP transport').choices(['tcp', 'udp']).default('tcp'),
    )
    .option('--start-time <iso>', "a file's frames are timed from this time (default: now)")
    .option(
      '--min-reads <n>',
      'reads a track needs to become an event',
      String(DEFAULT_TRACKER.minReads),
    )
    .addOption(new Option('--threads <n>', 'ONNX Runtime threads').env('ENGINE_THREADS'))
    .addOption(
      new Option('--device <device>', 'ONNX Runtime device')
        .choices(['cpu', 'cuda'])
        .env('ENGINE_DEVICE'),
    )
    .action(async (source: string, flags: StreamFlags) => {
      // The service's validation, for a config of one camera.
      const config = parseConfig({
        cameras: [
          {
            id: flags.cameraId,
            url: source,
            fps: Number(flags.fps),
            regions: flags.regions,
            mmc: !!flags.mmc,
            rtsp_transport: flags.rtspTransport,
            live: isLiveUrl(source),
          },
        ],
        max_side: Number(flags.maxSide),
        tracking: { min_reads: Number(flags.minReads) },
        port: 0,
      });
      const startedAt = flags.startTime ? Date.parse(flags.startTime) : undefined;
      if (startedAt !== undefined && Number.isNaN(startedAt)) {
        throw new Error(`--start-time must be an ISO 8601 time (got "${flags.startTime}")`);
      }
      const engine = await createStreamEngine(process.env, {
        threads: flags.threads ? Number(flags.threads) : undefined,
        device: flags.device,
      });
      const sinks: EventSink[] = [];
      if (flags.framesDir) sinks.push(bestFrames(flags.framesDir));
      if (flags.out) {
        await writeFile(flags.out, '');
        sinks.push(jsonLines(flags.out));
      } else sinks.push(async (e) => void process.stdout.write(`${JSON.stringify(e)}\n`));
      let events = 0;
      const pipeline = new CameraPipeline(config.cameras[0], {
        engine,
        maxSide: config.maxSide,
        tracker: config.tracker,
        keepFrames: !!flags.framesDir,
        onEvent: (event, frame) => {
          events++;
          return allOf(sinks)(event, frame);
        },
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await pipeline.run(stop.signal, startedAt);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await engine.close();
      }
      process.stderr.write(`${events} event(s)${flags.out ? ` → ${flags.out}` : ''}\n`);
    });
}
