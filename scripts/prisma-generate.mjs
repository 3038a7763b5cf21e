// Generates the Prisma client offline. `prisma generate` never runs the schema engine, but the
// CLI insists on locating one and would download it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// existing file satisfies it (the generated client uses the pg driver adapter, no native engine).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
execFileSync('pnpm', ['exec', 'prisma', 'generate'], { cwd: root, env, stdio: 'inherit' });
