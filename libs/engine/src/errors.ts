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

/**
 * A read ran past the engine's time limit (a pathological image): the read was stopped and its
 * thread replaced. The caller's job failed on our side.
 */
export class EngineTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`The engine gave up on this image after ${Math.round(limitMs / 100) / 10} s.`);
    this.name = 'EngineTimeoutError';
  }
}

/** The engine's thread ended (a time-out elsewhere, a crash) while this read was in it. */
export class EngineRestartedError extends Error {
  constructor(cause: string) {
    super(`The engine's thread was restarted during this read (${cause}); it may be retried.`);
    this.name = 'EngineRestartedError';
  }
}
