import { Command, Option } from 'commander';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createEngine, Engine, parseEngineConfig, EngineConfig } from '@platewise/engine';
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
  modelsDir?: string;
}

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
    .option('--regions <code>', 'region hint, repeatable (e.g. --regions us-ca --regions mx)', collect, [])
    .option('--config <json>', 'engine config JSON, e.g. \'{"mode":"fast"}\'')
    .option('--mmc', 'predict vehicle colour, orientation and make/model')
    .option('--out <file.jsonl>', 'output file for a directory run (required for directories)')
    .option('--concurrency <n>', 'images in flight at once for a directory run', '1')
    .option('--resume', 'skip images already answered in --out')
    .addOption(new Option('--threads <n>', 'ONNX Runtime threads').env('ENGINE_THREADS'))
    .addOption(new Option('--models-dir <dir>', 'installed model weights').env('PLATEWISE_MODELS_DIR'))
    .action(async (input: string, flags: ReadFlags) => {
      const config = parseEngineConfig(flags.config);
      const isDir = input !== '-' && !isUrl(input) && (await stat(input)).isDirectory();
      if (isDir && !flags.out) throw new Error('reading a directory needs --out FILE.jsonl');
      const engine = await createEngine({
        threads: flags.threads ? Number(flags.threads) : undefined,
        modelsDir: flags.modelsDir,
      });
      try {
        if (isDir) await readDirectory(engine, input, flags, config);
        else {
          const result = await engine.read(await readInput(input), { regions: flags.regions, config, mmc: flags.mmc });
          const filename = input === '-' ? null : basename(isUrl(input) ? new URL(input).pathname : input);
          process.stdout.write(`${JSON.stringify(snapshot(result, filename), null, 2)}\n`);
        }
      } finally {
        await engine.close();
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The fields the API adds around the engine's result. */
function snapshot<T extends object>(result: T, filename: string | null) {
  return { ...result, filename, version: 1, camera_id: null, timestamp: new Date().toISOString() };
}

async function readDirectory(engine: Engine, dir: string, flags: ReadFlags, config: EngineConfig): Promise<void> {
  const out = flags.out as string;
  const all = await listImages(dir);
  // --resume keeps the file and skips what it already answers; a fresh run starts it empty.
  const skip = flags.resume ? doneImages(await readFile(out, 'utf8').catch(() => '')) : new Set<string>();
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
        const result = await engine.read(await readFile(join(dir, image)), {
          regions: flags.regions,
          config,
          mmc: flags.mmc,
        });
        line = JSON.stringify({ image, ...snapshot(result, basename(image)) });
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
  process.stderr.write(`${todo.length - failed} read, ${failed} failed, ${all.length - todo.length} skipped → ${out}\n`);
}
