/** Errors the engine throws on purpose, with reasons; callers map them to answers or CLI messages. */

/** A `config` value the engine does not understand. */
export class EngineConfigError extends Error {
  constructor(
    message: string,
    /** The offending key, e.g. `threshold_d`, or `config` for the object as a whole. */
    readonly key: string,
  ) {
    super(message);
    this.name = 'EngineConfigError';
  }
}

/**
 * The uploaded bytes could not be turned into pixels.
 * `unsupported`: a format the engine does not read (HTTP 415);
 * `corrupt`: a supported or unknown format that failed to decode (HTTP 400);
 * `too-large`: more pixels than the engine's limit (HTTP 413).
 */
export class ImageDecodeError extends Error {
  constructor(
    message: string,
    readonly reason: 'unsupported' | 'corrupt' | 'too-large',
    readonly format?: string,
  ) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

/** A model file is missing, corrupt or unloadable; raised by createEngine at start-up. */
export class ModelLoadError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'ModelLoadError';
  }
}
