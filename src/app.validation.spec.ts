import { jest } from '@jest/globals';
import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { createValidationPipe } from './app.validation.js';

class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number = 100;
}

const query: ArgumentMetadata = { type: 'query', metatype: PageQuery };

describe('the validation pipe', () => {
  it('converts a repeated query string once, and hands each request its own copy', async () => {
    const pipe = createValidationPipe();
    const spy = jest.spyOn(ValidationPipe.prototype, 'transform');
    try {
      const first = (await pipe.transform({ limit: '20' }, query)) as PageQuery;
      const second = (await pipe.transform({ limit: '20' }, query)) as PageQuery;
      expect(first).toBeInstanceOf(PageQuery);
      expect(second).toBeInstanceOf(PageQuery);
      expect(second).toEqual({ limit: 20 });
      expect(second).not.toBe(first);
      expect(spy).toHaveBeenCalledTimes(1);
      // A handler that changes its copy changes nobody else's.
      first.limit = 7;
      expect(await pipe.transform({ limit: '20' }, query)).toEqual({ limit: 20 });
      expect(await pipe.transform({}, query)).toEqual({ limit: 100 });
      expect(spy).toHaveBeenCalledTimes(2);
      // A query string too long to be worth remembering is validated every time.
      const long = { limit: '0'.repeat(1100) + '7' };
      expect(await pipe.transform(long, query)).toEqual({ limit: 7 });
      expect(await pipe.transform(long, query)).toEqual({ limit: 7 });
      expect(spy).toHaveBeenCalledTimes(4);
    } finally {
      spy.mockRestore();
    }
  });

  it('rejects a bad query every time it comes, with the field-by-field message', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 2; i++) {
      const error = (await pipe.transform({ limit: '0' }, query).catch((e: unknown) => e)) as BadRequestException;
      expect(error).toBeInstanceOf(BadRequestException);
      expect(error.getResponse()).toMatchObject({ message: ['limit must not be less than 1'] });
      const unknown = (await pipe.transform({ limit: '5', extra: 'x' }, query).catch((e: unknown) => e)) as BadRequestException;
      expect(unknown).toBeInstanceOf(BadRequestException);
      expect(unknown.getResponse()).toMatchObject({ message: ['extra: property extra should not exist'] });
    }
  });

  it('answers one line per field, its first failed constraint', async () => {
    const error = (await createValidationPipe()
      .transform({ limit: 'abc' }, query)
      .catch((e: unknown) => e)) as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.getResponse()).toMatchObject({ message: ['limit must be an integer number'] });
  });
});
