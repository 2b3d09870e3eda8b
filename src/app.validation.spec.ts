import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { LimitQuery } from './common/page.js';
import { createValidationPipe } from './app.validation.js';
import { QueryMemoPipe } from './http/fast-path/query-memo.pipe.js';

const query: ArgumentMetadata = { type: 'query', metatype: LimitQuery };

describe('the validation pipe', () => {
  it.each([
    ['alone', () => createValidationPipe()],
    ['behind the query memo', () => new QueryMemoPipe(createValidationPipe())],
  ])('rejects a bad query every time it comes, with the field-by-field message (%s)', async (_name, make) => {
    const pipe = make();
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
