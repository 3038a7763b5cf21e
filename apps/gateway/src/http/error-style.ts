/** Routes copied from Plate Recognizer answer errors in its `{"detail": ...}` style. */
export function usesPlateRecognizerErrors(path: string): boolean {
  return path.startsWith('/v1/') || path === '/v1' || path.startsWith('/info');
}
