/** Base class of the learned-model errors; `code` is stable and safe to map to an HTTP status. */
export class MlError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A serialised model has the wrong tag, version or shape. */
export class InvalidModelError extends MlError {
  static readonly CODE = 'ML.INVALID_MODEL';

  constructor(message: string) {
    super(InvalidModelError.CODE, message);
  }
}

/** Training rows are empty, ragged or not finite. */
export class InvalidTrainingDataError extends MlError {
  static readonly CODE = 'ML.INVALID_TRAINING_DATA';

  constructor(message: string) {
    super(InvalidTrainingDataError.CODE, message);
  }
}

/** Hyper-parameters out of range (for example a zero batch size). */
export class InvalidMlOptionsError extends MlError {
  static readonly CODE = 'ML.INVALID_OPTIONS';

  constructor(message: string) {
    super(InvalidMlOptionsError.CODE, message);
  }
}
