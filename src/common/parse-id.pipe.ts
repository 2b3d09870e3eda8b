import { BadRequestException, type PipeTransform } from '@nestjs/common';

export const INT4_MAX = 2_147_483_647;

/** A positive integer id no larger than its column can hold; anything else is a 400, not a database error. */
export class ParseIdPipe implements PipeTransform<string, number> {
  constructor(private readonly max: number = INT4_MAX) {}

  transform(value: string): number {
    const id = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(id) || id < 1 || id > this.max) {
      throw new BadRequestException([`id must be an integer between 1 and ${this.max}`]);
    }
    return id;
  }
}

/** Ids of integer columns (runs, model versions). */
export const INT_ID = new ParseIdPipe(INT4_MAX);
/** Ids of bigint columns (tasks, results, windows, samples). */
export const BIGINT_ID = new ParseIdPipe(Number.MAX_SAFE_INTEGER);
