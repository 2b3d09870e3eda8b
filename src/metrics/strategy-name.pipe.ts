import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { STRATEGY_NAME } from '../common/query-fields.js';

/** A path segment that can be a strategy name; anything else is a 400. */
export class StrategyNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!STRATEGY_NAME.test(value)) throw new BadRequestException(['name must be a strategy name (a-z and _, at most 32)']);
    return value;
  }
}
