import { ConfigError } from '@platewise/infra';
import { setFlagsFromString } from 'node:v8';
import { startGateway } from './bootstrap';

/**
 * How far V8 lets the old generation grow over what survived the last full collection before it
 * starts the next one, in percent. Left to itself, on the gateway's small heap (35–41 MB live) V8
 * started a full mark-compact once it had grown by 1–5 MB (`--trace-gc`), about every 6–12
 * recognition calls; each costs tens of ms of marking and pause on this thread, which land in the
 * calls in flight. At 100 % it runs about a fifth as often, for up to about 40 MB more memory
 * (`pnpm bench:gateway` prints GC pauses per 100 calls; README). V8 reads the flag each time it
 * sets that limit, so setting it here, before the first call, takes effect.
 */
const HEAP_GROWING_PERCENT = 100;
setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);

startGateway().catch((error: unknown) => {
  // A bad setting is the operator's to fix: print it plainly, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
