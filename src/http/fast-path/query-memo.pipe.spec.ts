import { jest } from '@jest/globals';
import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { LimitQuery } from '../../common/page.js';
import { createValidationPipe } from '../../app.validation.js';
import { QueryMemoPipe } from './query-memo.pipe.js';

const query: ArgumentMetadata = { type: 'query', metatype: LimitQuery };

describe(QueryMemoPipe.name, () => {
  it('converts a repeated query string once, and hands each request its own copy', async () => {
    const pipe = new QueryMemoPipe(createValidationPipe());
    const spy = jest.spyOn(ValidationPipe.prototype, 'transform');
    try {
      const first = (await pipe.transform({ limit: '20' }, query)) as LimitQuery;
      const second = (await pipe.transform({ limit: '20' }, query)) as LimitQuery;
      expect(first).toBeInstanceOf(LimitQuery);
      expect(second).toBeInstanceOf(LimitQuery);
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
});
