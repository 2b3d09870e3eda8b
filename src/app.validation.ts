import { BadRequestException, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

// What a value is comes before what it is worth: when a field fails both (`?runId=abc` fails isInt, min
// and max), the line says the former. The order decorators run in depends on how they were applied.
const KIND_CONSTRAINTS = ['whitelistValidation', 'isDefined', 'isArray', 'isObject', 'isString', 'isBoolean', 'isInt', 'isNumber', 'isIn', 'isEnum'];

function firstFailed(constraints: Record<string, string>): string | undefined {
  const kind = KIND_CONSTRAINTS.find((name) => name in constraints);
  return kind ? constraints[kind] : Object.values(constraints)[0];
}

// One line per field: its first failed constraint.
function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const message = firstFailed(e.constraints ?? {});
    const own = message === undefined ? [] : [message.startsWith(e.property) ? `${path}${message.slice(e.property.length)}` : `${path}: ${message}`];
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** The validation every query and body goes through: unknown fields rejected, values converted, 400 with one line per bad field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException(flatten(errors)),
  });
}
