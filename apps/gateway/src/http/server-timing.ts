/**
 * Phases of one request, returned to the caller in the `Server-Timing` header (and read by
 * `pnpm bench:gateway`), so the gateway's own share of a call's latency can be broken down.
 */
export class ServerTiming {
  private readonly phases: string[] = [];

  add(name: string, ms: number): void {
    this.phases.push(`${name};dur=${ms.toFixed(1)}`);
  }

  /** Runs `work` and records how long it took as `name`, whether it succeeded or not. */
  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(name, performance.now() - started);
    }
  }

  header(totalMs: number): string {
    return [...this.phases, `app;dur=${totalMs.toFixed(1)}`].join(', ');
  }
}
