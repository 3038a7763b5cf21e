import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ModelLoadError } from '../errors';

export interface ManifestEntry {
  name: string;
  file: string;
  sha256: string;
  licence: string;
  upstream: string;
  /** the engine starts without it (models the default path does not need) */
  optional?: boolean;
}

const FIX =
  'run `pnpm models:install` (set PLATEWISE_MODELS_FROM to a folder holding the files, default ../shared/models)';

/** The folder holding installed weights: the option (callers read PLATEWISE_MODELS_DIR), else <repo>/models/weights. */
export function resolveModelsDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  // Walk up from this file (src/ under jest, dist/ when built) to the repository's models/ folder.
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'models', 'manifest.json'))) return join(dir, 'models', 'weights');
    dir = dirname(dir);
  }
  return resolve('models/weights');
}

export function loadManifest(modelsDir: string): ManifestEntry[] {
  const candidates = [join(modelsDir, 'manifest.json'), join(modelsDir, '..', 'manifest.json')];
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    throw new ModelLoadError(
      `model manifest not found next to ${modelsDir}; ${FIX}`,
      'manifest.json',
    );
  }
  return (JSON.parse(readFileSync(path, 'utf8')) as { models: ManifestEntry[] }).models;
}

/** Read a model file, refusing a missing or altered one with a message that names the fix. */
export function readVerified(modelsDir: string, manifest: ManifestEntry[], name: string): Buffer {
  const entry = manifest.find((m) => m.name === name);
  if (!entry) throw new ModelLoadError(`model ${name} is not in the manifest`, name);
  const path = join(modelsDir, entry.file);
  if (!existsSync(path)) {
    throw new ModelLoadError(
      `model file ${entry.file} is missing from ${modelsDir}; ${FIX}`,
      entry.file,
    );
  }
  const buf = readFileSync(path);
  const sha = createHash('sha256').update(buf).digest('hex');
  if (sha !== entry.sha256) {
    throw new ModelLoadError(
      `model file ${path} is corrupt (sha256 ${sha}, expected ${entry.sha256}); delete it and ${FIX}`,
      entry.file,
    );
  }
  return buf;
}

/**
 * An optional model: null when the manifest does not list it or its file is not installed (unless
 * `required`, e.g. the caller asked for the mode that needs it); an altered file is always refused.
 */
export function readOptional(
  modelsDir: string,
  manifest: ManifestEntry[],
  name: string,
  required: boolean,
): Buffer | null {
  const entry = manifest.find((m) => m.name === name);
  if (!required && (!entry || !existsSync(join(modelsDir, entry.file)))) return null;
  return readVerified(modelsDir, manifest, name);
}
