import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { STRATEGY_NAMES_LIST } from '../common/query-fields.js';
import { ALL_STRATEGY_NAMES } from '../engine/index.js';

const NAMES: ReadonlySet<string> = new Set(ALL_STRATEGY_NAMES);

/** A path segment naming a strategy; anything else is a 400 listing the names there are. */
export class StrategyNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!NAMES.has(value)) throw new BadRequestException([`name must be one of: ${STRATEGY_NAMES_LIST}`]);
    return value;
  }
}
