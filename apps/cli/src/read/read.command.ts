import { Command, Option } from 'commander';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createEngine, parseRecognizer } from '@platewise/engine';
import {
  parseRecognitionOptions,
  RecognitionCall,
  RecognitionHandler,
  SnapshotResponse,
} from '@platewise/recognition';
import { doneImages, isUrl, listImages, readInput } from './inputs';
import { Progress } from './progress';

interface ReadFlags {
  regions: string[];
  config?: string;
  mmc?: boolean;
  out?: string;
  concurrency: string;
  resume?: boolean;
  threads?: string;
  device?: 'cpu' | 'cuda';
  recognizer?: string;
  modelsDir?: string;
}

/** The CLI has no plan: every option is open, and files are as large as they are. */
const CLI_PLAN = { maxUploadBytes: Number.MAX_SAFE_INTEGER, mmcIncluded: true };

/**
 * `platewise read <image|dir|url|->`: one image → the Snapshot JSON on stdout; a directory → one
 * JSON line per image in --out, progress on stderr. A bad file in a directory becomes an
 * `{"image", "error"}` line and the run goes on.
 */
export function registerReadCommand(program: Command): void {
  program
    .command('read')
    .description('read licence plates from an image, a directory of images, a URL or - (stdin)')
    .argument('<input>', 'image file, directory, http(s) URL, or - for stdin')
    .option(
      '--regions <code>',
      'region hint, repeatable (e.g. --regions us-ca --regions mx)',
      collect,
      [],
    )
    .option('--config <json>', 'engine config JSON, e.g. \'{"mode":"fast"}\'')
    .option('--mmc', 'predict vehicle colour, orientation and make/model')
    .option('--out <file.jsonl>', 'output file for a directory run (required for directories)')
    .option('--concurrency <n>', 'images in flight at once for a directory run', '1')
    .option('--resume', 'skip images already answered in --out')
    .addOption(new Option('--threads <n>', 'ONNX Runtime threads').env('ENGINE_THREADS'))
    .addOption(
      new Option('--device <device>', 'ONNX Runtime device')
        .choices(['cpu', 'cuda'])
        .env('ENGINE_DEVICE'),
    )
    .addOption(
      new Option(
        '--recognizer <mode>',
        'plate recogniser: cct (default), gated, ensemble, ppocr or crnn',
      ).env('ENGINE_RECOGNIZER'),
    )
    .addOption(
      new Option('--models-dir <dir>', 'installed model weights').env('PLATEWISE_MODELS_DIR'),
    )
    .action(async (input: string, flags: ReadFlags) => {
      // The gateway's rules for regions, config and mmc; the image comes from the input instead.
      const request = parseRecognitionOptions(
        { regions: flags.regions, config: flags.config, mmc: flags.mmc },
        CLI_PLAN,
      );
      const isDir = input !== '-' && !isUrl(input) && (await stat(input)).isDirectory();
      if (isDir && !flags.out) throw new Error('reading a directory needs --out FILE.jsonl');
      const engine = await createEngine({
        threads: flags.threads ? Number(flags.threads) : undefined,
        device: flags.device,
        recognizer: parseRecognizer(flags.recognizer),
        modelsDir: flags.modelsDir,
      });
      const handler = new RecognitionHandler(engine);
      const read = (image: Buffer, filename: string | null) =>
        readOne(handler, image, {
          ...request,
          accountId: 'cli',
          webhooks: [],
          filename,
          timestamp: new Date().toISOString(),
        });
      try {
        if (isDir) await readDirectory(read, input, flags);
        else {
          const filename =
            input === '-' ? null : basename(isUrl(input) ? new URL(input).pathname : input);
          const response = await read(await readInput(input), filename);
          process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
        }
      } finally {
        await engine.close();
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

type ReadOne = (image: Buffer, filename: string | null) => Promise<SnapshotResponse>;

/** The handler's Snapshot response; its refusal (e.g. an undecodable file) as an error. */
async function readOne(
  handler: RecognitionHandler,
  image: Buffer,
  call: RecognitionCall,
): Promise<SnapshotResponse> {
  const outcome = await handler.handle(call, image);
  if ('refused' in outcome) throw new Error(outcome.refused.detail);
  return outcome as SnapshotResponse; // a call without `redact` is a read
}

async function readDirectory(read: ReadOne, dir: string, flags: ReadFlags): Promise<void> {
  const out = flags.out as string;
  const all = await listImages(dir);
  // --resume keeps the file and skips what it already answers; a fresh run starts it empty.
  const skip = flags.resume
    ? doneImages(await readFile(out, 'utf8').catch(() => ''))
    : new Set<string>();
  if (!flags.resume) await writeFile(out, '');
  const todo = all.filter((i) => !skip.has(i));
  const concurrency = Math.max(1, Number(flags.concurrency) || 1);
  const progress = new Progress(todo.length);
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const image = todo[next++];
      let line: string;
      try {
        const response = await read(await readFile(join(dir, image)), basename(image));
        line = JSON.stringify({ image, ...response });
        progress.tick(true);
      } catch (err) {
        failed++;
        line = JSON.stringify({ image, error: (err as Error).message });
        progress.tick(false);
      }
      // One appendFile per line: lines stay whole even with several workers, and --resume works
      // after an interruption.
      await appendFile(out, `${line}\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  progress.finish();
  process.stderr.write(
    `${todo.length - failed} read, ${failed} failed, ${all.length - todo.length} skipped → ${out}\n`,
  );
}
