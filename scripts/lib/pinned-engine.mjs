// The engine as it was at a given commit, built beside this checkout, so a benchmark can run
// "today's" engine and this checkout's in one process (bench:speed). Only libs/engine and the
// model manifest of that commit are taken; the packages it loads (onnxruntime-node, sharp,
// @platewise/snapshot) are this checkout's, and its weights are this checkout's installed files,
// checked against the pinned manifest's sha256 by the engine itself when it starts, so a model
// that changed since is refused rather than silently swapped in.
//
// The build lives in node_modules/.cache/platewise-engine/<commit>/ and is reused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Builds (once) and returns { commit, dir, modelsDir, engine } for the engine at `rev`. */
export function pinnedEngine(root, rev) {
  const git = (...args) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  let commit;
  try {
    commit = git('rev-parse', '--verify', `${rev}^{commit}`);
  } catch {
    throw new Error(`pinned engine: ${rev} is not a commit of this checkout's repository`);
  }
  const dir = join(root, 'node_modules/.cache/platewise-engine', commit);
  const engineDir = join(dir, 'libs/engine');
  const entry = join(engineDir, 'dist/index.js');
  const modelsDir = join(dir, 'models/weights');
  if (!existsSync(entry)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', [
      '-C',
      root,
      'archive',
      '--format=tar',
      commit,
      'libs/engine/src',
      'libs/engine/package.json',
      'libs/engine/tsconfig.json',
      'libs/engine/tsconfig.build.json',
      'tsconfig.base.json',
      'models/manifest.json',
    ]);
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    // The packages it imports resolve through this checkout's links.
    symlinkSync(join(root, 'libs/engine/node_modules'), join(engineDir, 'node_modules'), 'dir');
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(engineDir, 'tsconfig.build.json')],
      { stdio: 'inherit' },
    );
  }
  // Its models folder: the pinned manifest beside links to this checkout's installed files.
  mkdirSync(modelsDir, { recursive: true });
  const weights = join(root, 'models/weights');
  const manifest = JSON.parse(readFileSync(join(dir, 'models/manifest.json'), 'utf8'));
  for (const m of manifest.models) {
    const link = join(modelsDir, m.file);
    if (!existsSync(link) && existsSync(join(weights, m.file)))
      symlinkSync(join(weights, m.file), link);
  }
  return { commit, dir, modelsDir, entry };
}
