import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { placementTaskProblems } from './placement-batch.pipe.js';
import { PlacementTask } from './placement.dto.js';

// Values around every bound, and values of the wrong kind.
const value = fc.oneof(
  fc.constantFrom(-1, 0, 0.5, 1, 1.5, 1e9, 1e9 + 1, -0, 5000, Number.MAX_VALUE),
  fc.double({ noNaN: true }),
  fc.constantFrom('1', null, true, [], {}, undefined),
);
const task = fc.record({ size: value, computeIntensity: value, memoryRequired: value, durationEstimate: value, extra: value }, { requiredKeys: [] });

/** The fields class-validator finds fault with, as `tasks.0.<field>`. */
function classValidatorFields(input: Record<string, unknown>): string[] {
  const errors = validateSync(plainToInstance(PlacementTask, input), { whitelist: true, forbidNonWhitelisted: true });
  return errors.map((e) => `tasks.0.${e.property}`).sort();
}

describe(placementTaskProblems.name, () => {
  it('finds fault with exactly the fields class-validator does for PlacementTask, one line each', () => {
    fc.assert(
      fc.property(task, (input) => {
        const present = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
        const lines = placementTaskProblems([present]);
        const fields = lines.map((line) => line.split(/[: ]/)[0]).sort();
        expect(fields).toEqual(classValidatorFields(present));
      }),
      { seed: 15, numRuns: 2000 },
    );
  });

  it('names the task and the constraint', () => {
    const sut = placementTaskProblems([{ size: 2, computeIntensity: 0.5, memoryRequired: 1 }, { size: 0, computeIntensity: 2, memoryRequired: 'x', foo: 1 }, 7]);

    expect(sut).toEqual([
      'tasks.1.foo: property foo should not exist',
      'tasks.1.size must not be less than 1',
      'tasks.1.computeIntensity must not be greater than 1',
      'tasks.1.memoryRequired must be a number conforming to the specified constraints',
      'tasks.2 must be an object',
    ]);
  });

  it('lists at most 100 problems', () => {
    const sut = placementTaskProblems(Array.from({ length: 1000 }, () => ({})));

    expect(sut).toHaveLength(101);
    expect(sut[100]).toMatch(/first 100 problems/);
  });
});
