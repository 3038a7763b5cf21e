import { Command, Option } from 'commander';
import { appendFile, mkdir, stat, writeFile, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { createEngine } from '@platewise/engine';
import {
  parseRedactionOptions,
  RecognitionHandler,
  RedactionResponse,
} from '@platewise/recognition';
import { listImages } from '../read/inputs';
import { Progress } from '../read/progress';

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

/** One image to redact: where it is, and its path under --out (a directory keeps its tree). */
interface Job {
  path: string;
  relative: string;
}

/**
 * `platewise redact <files|dirs…> --out DIR`: each image redacted (the API's rules and defaults)
 * into DIR under the same relative name (`.jpg` or `.png` as the output is), what was hidden in
 * DIR/redactions.jsonl, progress on stderr. A bad file becomes an `{"image","error"}` line and
 * the run goes on.
 */
export function registerRedactCommand(program: Command): void {
  program
    .command('redact')
    .description('hide plates and faces in images: files or directories, written to --out')
    .argument('<inputs...>', 'image files or directories (read recursively)')
    .requiredOption('--out <dir>', 'output directory')
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
      const jobs = await collectJobs(inputs);
      const engine = await createEngine({
        threads: flags.threads ? Number(flags.threads) : undefined,
        device: flags.device,
        modelsDir: flags.modelsDir,
      });
      const handler = new RecognitionHandler(engine);
      try {
        await mkdir(flags.out, { recursive: true });
        const log = join(flags.out, 'redactions.jsonl');
        await writeFile(log, '');
        const progress = new Progress(jobs.length);
        let failed = 0;
        for (const job of jobs) {
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
            const target = join(flags.out, outputName(job.relative, rest.content_type));
            await mkdir(dirname(target), { recursive: true });
            await writeFile(target, Buffer.from(image, 'base64'));
            line = { image: job.relative, output: target, ...rest };
            progress.tick(true);
          } catch (error) {
            failed++;
            line = { image: job.relative, error: (error as Error).message };
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
  const jobs: Job[] = [];
  for (const input of inputs) {
    if ((await stat(input)).isDirectory()) {
      for (const relative of await listImages(input))
        jobs.push({ path: join(input, relative), relative });
    } else jobs.push({ path: input, relative: basename(input) });
  }
  return jobs;
}

/** `a/b.jpeg` → `a/b.jpg` or `a/b.png`, as the redacted image is. */
export function outputName(relative: string, contentType: string): string {
  const stem = relative.slice(0, relative.length - extname(relative).length);
  return `${stem}${contentType === 'image/png' ? '.png' : '.jpg'}`;
}
