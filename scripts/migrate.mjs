// Applies prisma/migrations. Uses `prisma migrate deploy` where Prisma's native schema engine is
// installed; otherwise (offline machines, where it cannot be downloaded) the project's own
// migrator, which applies the same files and records them in _prisma_migrations the same way.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

function schemaEngineInstalled() {
  const configured = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  if (configured) return existsSync(configured);
  try {
    const enginesDir = dirname(
      createRequire(`${root}/node_modules/prisma/`).resolve('@prisma/engines/package.json'),
    );
    return readdirSync(enginesDir).some((f) => f.startsWith('schema-engine'));
  } catch {
    return false;
  }
}

if (schemaEngineInstalled()) {
  run('pnpm', ['exec', 'prisma', 'migrate', 'deploy']);
} else {
  run('node', ['apps/cli/dist/main.js', 'migrate']); // also creates the database when missing
}
