export { createEngine, TUNING } from './engine';
export type { Engine, EngineOptions, ReadOptions } from './engine';
export { parseEngineConfig, DEFAULT_CONFIG } from './config';
export type { EngineConfig } from './config';
export { EngineConfigError, ImageDecodeError, ModelLoadError } from './errors';
export { EUROPE, KNOWN_REGIONS, normaliseRegion } from './plates/formats';
export type { EngineResult, PlateResult, VehicleModeResult } from '@platewise/snapshot';
export { COMBINE, PRIOR } from './plates/candidates';
