/** Base class of every engine error: a stable machine-readable `code` plus a human message. */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One problem found in one row of a trace; `row` is 1-based over task records (a CSV header is not counted). */
export interface TraceRowError {
  readonly row: number;
  readonly code: string;
  readonly field?: string;
  readonly message: string;
}

/** A trace failed validation; `errors` lists every bad row, not just the first. */
export class TraceValidationError extends EngineError {
  constructor(readonly errors: readonly TraceRowError[]) {
    super('SIMULATION.INVALID_TRACE', `Invalid trace: ${errors.length} error(s), first: row ${errors[0]?.row}: ${errors[0]?.message}`);
  }
}

/** The engine configuration has an out-of-range or wrongly typed value. */
export class InvalidConfigError extends EngineError {
  constructor(readonly problems: readonly string[]) {
    super('SIMULATION.INVALID_CONFIG', `Invalid engine config: ${problems.join('; ')}`);
  }
}

/** A strategy name that no registration knows. */
export class UnknownStrategyError extends EngineError {
  constructor(readonly strategy: string) {
    super('SIMULATION.UNKNOWN_STRATEGY', `Unknown strategy "${strategy}"`);
  }
}

/** A saved engine state (or model) that cannot be restored. */
export class InvalidStateError extends EngineError {
  constructor(message: string) {
    super('SIMULATION.INVALID_STATE', message);
  }
}

/** A task depends on a task whose finish time the machine does not know (never run, or forgotten). */
export class UnknownDependencyError extends EngineError {
  constructor(
    readonly taskId: number,
    readonly dependency: number,
  ) {
    super(
      'SIMULATION.UNKNOWN_DEPENDENCY',
      `Task ${taskId} depends on task ${dependency}, whose finish time is unknown (not run yet, or outside the retained window; use dependencies.retention 'all' for traces)`,
    );
  }
}
