import { TraceValidationError, type TraceRowError } from '../errors.js';
import { parseTraceCsv, parseTraceRecords } from './trace.js';
import { durationEstimate } from './task.js';
import { DEFAULT_ENGINE_CONFIG } from '../config.js';

const HEADER = 'task_id,size,compute_intensity,memory_required,arrival_time,duration_estimate,dependencies';

function errorsOf(parse: () => unknown): TraceRowError[] {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(TraceValidationError);
    expect((error as TraceValidationError).code).toBe('SIMULATION.INVALID_TRACE');
    return [...(error as TraceValidationError).errors];
  }
  throw new Error('expected a TraceValidationError');
}

const row = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  task_id: 0,
  size: 1000,
  compute_intensity: 0.5,
  memory_required: 100,
  arrival_time: 0,
  ...overrides,
});

describe(parseTraceCsv.name, () => {
  it('parses every dependency format and computes a missing duration', () => {
    const csv = [HEADER, '0,1000,0.5,100,0,,', '1,2000,0.8,200,1,3.5,[0]', '2,3000,0.2,300,2,,"[0, 1]"', '3,100,1,10,3,,0;2'].join('\n');

    const sut = parseTraceCsv(csv);

    expect(sut.map((task) => task.dependencies)).toEqual([[], [0], [0, 1], [0, 2]]);
    expect(sut[0].durationEstimate).toBe(durationEstimate(1000, 0.5, DEFAULT_ENGINE_CONFIG.workload));
    expect(sut[1].durationEstimate).toBe(3.5);
  });

  it('rejects a CSV with a header and no task rows', () => {
    expect(() => parseTraceCsv(`${HEADER}\n`)).toThrow(expect.objectContaining({ code: 'SIMULATION.INVALID_TRACE', errors: [expect.objectContaining({ code: 'EMPTY_TRACE' })] }));
    expect(() => parseTraceCsv('?Gyz=W')).toThrow(TraceValidationError);
  });

  it('reports exactly the 3 bad rows of a 10,000-row trace', () => {
    const lines = [HEADER];
    for (let i = 0; i < 10000; i++) lines.push(`${i},${100 + i},0.5,50,${i * 0.5},,${i > 0 ? i - 1 : ''}`);
    lines[1 + 17] = '17,abc,0.5,50,8.5,,16';
    lines[1 + 4242] = '4242,100,1.5,50,2121,,4241';
    lines[1 + 9999] = '9999,100,0.5,-1,4999.5,,9998';

    const errors = errorsOf(() => parseTraceCsv(lines.join('\n')));

    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [18, 'NOT_A_NUMBER'],
      [4243, 'INTENSITY_OUT_OF_RANGE'],
      [10000, 'NEGATIVE_MEMORY'],
    ]);
  });

  it('reports a header without a required column', () => {
    const errors = errorsOf(() => parseTraceCsv('task_id,size\n0,100'));

    expect(errors.map((e) => e.field)).toEqual(['compute_intensity', 'memory_required', 'arrival_time']);
  });

  it('reports malformed CSV', () => {
    const errors = errorsOf(() => parseTraceCsv(`${HEADER}\n0,100,0.5,10,0,,"unterminated`));

    expect(errors[0].code).toBe('MALFORMED_CSV');
  });
});

describe(parseTraceRecords.name, () => {
  it.each([
    ['a missing field', row({ size: undefined }), 'MISSING_FIELD', 'size'],
    ['a non-numeric field', row({ memory_required: 'lots' }), 'NOT_A_NUMBER', 'memory_required'],
    ['a size of 0', row({ size: 0 }), 'NON_POSITIVE_SIZE', 'size'],
    ['a negative size', row({ size: -5 }), 'NON_POSITIVE_SIZE', 'size'],
    ['an intensity above 1', row({ compute_intensity: 1.01 }), 'INTENSITY_OUT_OF_RANGE', 'compute_intensity'],
    ['an intensity below 0', row({ compute_intensity: -0.1 }), 'INTENSITY_OUT_OF_RANGE', 'compute_intensity'],
    ['a negative memory', row({ memory_required: -1 }), 'NEGATIVE_MEMORY', 'memory_required'],
    ['a negative arrival', row({ arrival_time: -1 }), 'INVALID_ARRIVAL_TIME', 'arrival_time'],
    ['an infinite arrival', row({ arrival_time: 'Infinity' }), 'INVALID_ARRIVAL_TIME', 'arrival_time'],
    ['a dependency on itself', row({ dependencies: [0] }), 'SELF_DEPENDENCY', 'dependencies'],
    ['a dependency on an unknown task', row({ dependencies: '7' }), 'UNKNOWN_DEPENDENCY', 'dependencies'],
    ['unparsable dependencies', row({ dependencies: 'a;b' }), 'INVALID_DEPENDENCIES', 'dependencies'],
  ])('reports %s with its code and row', (_name, bad, code, field) => {
    const errors = errorsOf(() => parseTraceRecords([row({ task_id: 10 }), bad]));

    expect(errors).toEqual([expect.objectContaining({ row: 2, code, field })]);
  });

  it('reports every duplicate task_id after the first', () => {
    const errors = errorsOf(() => parseTraceRecords([row(), row({ task_id: 1 }), row(), row()]));

    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [3, 'DUPLICATE_TASK_ID'],
      [4, 'DUPLICATE_TASK_ID'],
    ]);
  });

  it('reports every row on a dependency cycle, and only those', () => {
    const records = [row({ task_id: 0 }), row({ task_id: 1, dependencies: [3] }), row({ task_id: 2, dependencies: [1] }), row({ task_id: 3, dependencies: [2] }), row({ task_id: 4, dependencies: [3] })];

    const errors = errorsOf(() => parseTraceRecords(records));

    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'DEPENDENCY_CYCLE'],
      [3, 'DEPENDENCY_CYCLE'],
      [4, 'DEPENDENCY_CYCLE'],
    ]);
  });

  it('reports every bad row, not just the first', () => {
    const errors = errorsOf(() => parseTraceRecords([row({ size: 0 }), row({ task_id: 1 }), 'nope', row({ task_id: 3, compute_intensity: 2, memory_required: -3 })]));

    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [1, 'NON_POSITIVE_SIZE'],
      [3, 'NOT_AN_OBJECT'],
      [4, 'INTENSITY_OUT_OF_RANGE'],
      [4, 'NEGATIVE_MEMORY'],
    ]);
  });

  it('sorts arrivals out of order, stably, instead of rejecting them', () => {
    const records = [row({ task_id: 0, arrival_time: 5 }), row({ task_id: 1, arrival_time: 1 }), row({ task_id: 2, arrival_time: 5 }), row({ task_id: 3, arrival_time: 0 })];

    expect(parseTraceRecords(records).map((task) => task.id)).toEqual([3, 1, 0, 2]);
  });

  it('moves a parent that arrives after its child in front of it', () => {
    const records = [row({ task_id: 0, arrival_time: 0, dependencies: [1] }), row({ task_id: 1, arrival_time: 3 }), row({ task_id: 2, arrival_time: 1 })];

    expect(parseTraceRecords(records).map((task) => task.id)).toEqual([2, 1, 0]);
  });

  it('accepts camelCase keys and numeric strings', () => {
    const [task] = parseTraceRecords([{ taskId: '4', size: '100', computeIntensity: 0.5, memoryRequired: '20', arrivalTime: 2, durationEstimate: 1 }]);

    expect(task).toEqual({ id: 4, size: 100, computeIntensity: 0.5, memoryRequired: 20, arrivalTime: 2, durationEstimate: 1, dependencies: [] });
  });
});
