import { setFlagsFromString } from 'node:v8';

/**
 * Lets V8's old generation grow to twice what survived its last full collection before the next
 * one starts. Left to itself, V8 gives a heap like the gateway's (about 40 MB live) a limit of
 * about 1.6× that, and starts incremental marking whenever the room left under the limit is
 * smaller than the young generation's capacity — which, at that size, is right after every full
 * collection: the gateway then ran one every second or so (7.5 per 100 calls in `bench:gateway`),
 * each pausing the call it fell in by 5–15 ms. V8 reads the factor at every full collection, so
 * setting it at start-up is enough; it costs at most one more live heap's worth of garbage
 * between collections (peak resident memory measured the same). docs/gateway-latency.md has the
 * figures. A factor given on the command line (`node --heap-growing-percent=…`) is kept.
 */
export function growHeapInLargerSteps(): void {
  if (process.execArgv.some((arg) => arg.startsWith(FLAG))) return;
  setFlagsFromString(`${FLAG}=100`);
}

const FLAG = '--heap-growing-percent';
