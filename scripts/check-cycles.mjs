// Fails when a module of the workspace imports itself back through others (type imports count:
// they tie the files together just the same). Run by scripts/test.sh; `node scripts/check-cycles.mjs`.
import madge from 'madge';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const sources = ['apps', 'libs'].flatMap((group) =>
  readdirSync(join(root, group))
    .map((name) => join(root, group, name, 'src'))
    .filter((dir) => existsSync(dir)),
);

const graph = await madge(sources, {
  baseDir: root,
  fileExtensions: ['ts', 'tsx'],
  tsConfig: join(root, 'tsconfig.base.json'),
  // Prisma's generated client is not ours to arrange.
  excludeRegExp: [/generated[\\/]prisma/, /[\\/]dist[\\/]/],
});
const cycles = graph.circular();
if (cycles.length) {
  console.error(`import cycles: ${cycles.length}`);
  for (const cycle of cycles) console.error(`  ${[...cycle, cycle[0]].join(' → ')}`);
  process.exit(1);
}
console.log(`import cycles: none (${Object.keys(graph.obj()).length} modules)`);
