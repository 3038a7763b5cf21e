import { Command, Option } from 'commander';
import type { Stats } from 'node:fs';
import { appendFile, FileHandle, mkdir, open, stat, writeFile, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createEngine, defaultFormat, type RedactFormat } from '@platewise/engine';
import {
  parseRedactionOptions,
  RecognitionHandler,
  RedactionResponse,
} from '@platewise/recognition';
import { listImages } from '../read/inputs';
import { Progress } from '../read/progress';
import { outputNames, realLocation } from './output-names';

interface RedactFlags {
  out: string;
  hide?: string;
  method?: string;
  strength?: string;
  format?: string;
  config?: string;
  threads?: string;
  device?: 'cpu' | 'cuda';
  modelsDir?: string;
}

/** The CLI has no plan: redaction is open, and files are as large as they are. */
const CLI_PLAN = { maxUploadBytes: Number.MAX_SAFE_INTEGER, redactIncluded: true };

/** One image to redact: where it is, and its name relative to its input (a folder's tree). */
interface Job {
  path: string;
  relative: string;
}

const OUTPUT_NAMES_HELP = `
Each image is written under --out with its own name, a folder's tree kept (A/sub/x.jpeg given
as folder A → DIR/sub/x.jpeg, a file given alone → DIR/x.jpeg). A name whose extension does
not say the output's format gets that format's added (c.webp → c.webp.jpg). Images that would
get the same name (A/x.jpg and B/x.jpg, from folders A and B) are kept apart in the order
given: x.jpg, then x-2.jpg, x-3.jpg…; DIR/redactions.jsonl names each one's input (path) and
output. Nothing is done (exit code 1) when an input does not exist or when --out is an input
folder or would overwrite an input.`;

/**
 * `platewise redact <files|dirs…> --out DIR`: each image redacted (the API's rules and defaults)
 * into DIR under a name of its own (OUTPUT_NAMES_HELP), what was hidden in DIR/redactions.jsonl,
 * progress on stderr. A bad file becomes an `{"image","error"}` line and the run goes on.
 */
export function registerRedactCommand(program: Command): void {
  program
    .command('redact')
    .description('hide plates and faces in images: files or directories, written to --out')
    .argument('<inputs...>', 'image files or directories (read recursively)')
    .requiredOption('--out <dir>', 'output directory (not an input folder)')
    .option('--hide <what>', 'plates, faces or both (comma-separated; default both)')
    .option('--method <method>', 'blur (default), pixelate or solid')
    .option('--strength <n>', '1–10 (default 6)')
    .option('--format <format>', 'jpeg or png (default: PNG for PNG images, else JPEG)')
    .option(
      '--config <json>',
      'engine config JSON, e.g. \'{"threshold_d":0.05}\' or \'{"mode":"fast"}\'',
    )
    .addOption(new Option('--threads <n>', 'ONNX Runtime threads').env('ENGINE_THREADS'))
    .addOption(
      new Option('--device <device>', 'ONNX Runtime device')
        .choices(['cpu', 'cuda'])
        .env('ENGINE_DEVICE'),
    )
    .addOption(
      new Option('--models-dir <dir>', 'installed model weights').env('PLATEWISE_MODELS_DIR'),
    )
    .addHelpText('after', OUTPUT_NAMES_HELP)
    .action(async (inputs: string[], flags: RedactFlags) => {
      // The gateway's rules; a bad option is refused before any model loads.
      const request = parseRedactionOptions(
        {
          config: flags.config,
          hide: flags.hide,
          method: flags.method,
          strength: flags.strength,
          format: flags.format,
        },
        CLI_PLAN,
      );
      // Every input found, every output named and none overwriting an input: before any work.
      const jobs = await collectJobs(inputs);
      const images: { relative: string; format: RedactFormat }[] = [];
      for (const { path, relative } of jobs) {
        // The engine's own choice (PNG for a PNG, else JPEG), from the file's first bytes.
        const format = request.redact.format ?? defaultFormat(await firstBytes(path, 8));
        images.push({ relative, format });
      }
      const targets = outputNames(images).map((name) => join(flags.out, name));
      const log = join(flags.out, 'redactions.jsonl');
      await refuseOverwrites(flags.out, inputs, jobs, [...targets, log]);
      const engine = await createEngine({
        threads: flags.threads ? Number(flags.threads) : undefined,
        device: flags.device,
        modelsDir: flags.modelsDir,
      });
      const handler = new RecognitionHandler(engine);
      try {
        await mkdir(flags.out, { recursive: true });
        await writeFile(log, '');
        const progress = new Progress(jobs.length);
        let failed = 0;
        for (const [i, job] of jobs.entries()) {
          let line: Record<string, unknown>;
          try {
            const outcome = await handler.handle(
              {
                ...request,
                accountId: 'cli',
                webhooks: [],
                filename: basename(job.path),
                timestamp: new Date().toISOString(),
              },
              await readFile(job.path),
            );
            if ('refused' in outcome) throw new Error(outcome.refused.detail);
            const { image, ...rest } = outcome as RedactionResponse;
            const target = targets[i];
            await mkdir(dirname(target), { recursive: true });
            await writeFile(target, Buffer.from(image, 'base64'));
            line = { image: job.relative, path: job.path, output: target, ...rest };
            progress.tick(true);
          } catch (error) {
            failed++;
            line = { image: job.relative, path: job.path, error: (error as Error).message };
            progress.tick(false);
          }
          await appendFile(log, `${JSON.stringify(line)}\n`);
        }
        progress.finish();
        process.stderr.write(
          `${jobs.length - failed} redacted, ${failed} failed → ${flags.out} (log: ${log})\n`,
        );
        if (failed > 0) process.exitCode = 1;
      } finally {
        await engine.close();
      }
    });
}

async function collectJobs(inputs: string[]): Promise<Job[]> {
  const stats = await statInputs(inputs);
  const jobs: Job[] = [];
  for (const [i, input] of inputs.entries()) {
    if (stats[i].isDirectory()) {
      for (const relative of await listImages(input))
        jobs.push({ path: join(input, relative), relative });
    } else jobs.push({ path: input, relative: basename(input) });
  }
  return jobs;
}

/** Each input's stat; one missing input refuses the run, naming every one that is missing. */
async function statInputs(inputs: string[]): Promise<Stats[]> {
  const stats = await Promise.all(
    inputs.map((input) =>
      stat(input).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
        throw error;
      }),
    ),
  );
  const missing = inputs.filter((_, i) => stats[i] === null);
  if (missing.length)
    throw new Error(`no such file or folder: ${missing.join(', ')} (nothing was redacted)`);
  return stats as Stats[];
}

/** The first `n` bytes of a file (fewer when it is shorter; none when it cannot be read). */
async function firstBytes(path: string, n: number): Promise<Buffer> {
  let file: FileHandle | undefined;
  try {
    file = await open(path);
    const { buffer, bytesRead } = await file.read(Buffer.alloc(n), 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } catch {
    return Buffer.alloc(0); // read again when its turn comes, and logged with why it failed
  } finally {
    await file?.close();
  }
}

/** Refuses an --out that is an input folder, or where an output would replace an input file. */
async function refuseOverwrites(
  out: string,
  inputs: string[],
  jobs: Job[],
  targets: string[],
): Promise<void> {
  const outDir = await realLocation(out);
  for (const input of inputs)
    if ((await realLocation(input)) === outDir)
      throw new Error(
        `--out ${out} is the input folder ${input}: its images would be overwritten (nothing was redacted); write to another folder`,
      );
  const inputAt = new Map<string, string>();
  for (const job of jobs) inputAt.set(await realLocation(job.path), job.path);
  for (const target of targets) {
    const input = inputAt.get(await realLocation(target));
    if (input !== undefined)
      throw new Error(
        `--out ${out} would overwrite the input ${input} with ${target} (nothing was redacted); write to another folder`,
      );
  }
}
