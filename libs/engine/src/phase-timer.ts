/**
 * The pipeline's steps, in order: decode, vehicle detection, plate detection, reading the plates;
 * a redaction has faces (face detection, at the same time as vehicles and plates), hide (hiding
 * and encoding) and check (the look again where hiding changed the photo) instead of read.
 */
export type EnginePhase = 'decode' | 'vehicles' | 'plates' | 'read' | 'faces' | 'check' | 'hide';

/** Each call tells `onPhase` how long the phase it names took: the time since the previous call. */
export function phaseTimer(
  onPhase?: (phase: EnginePhase, ms: number) => void,
): (phase: EnginePhase) => void {
  let mark = performance.now();
  return (phase) => {
    const now = performance.now();
    onPhase?.(phase, now - mark);
    mark = now;
  };
}
