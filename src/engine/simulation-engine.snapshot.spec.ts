import { SimulationEngine } from './simulation-engine.js';

// No-regression pin: any change to the workload, machine, strategies or learners that moves a
// number shows up here. Update with `-u` only for an intended change, and say why in the commit.
describe('SimulationEngine 500-task run', () => {
  it('keeps every strategy summary unchanged', () => {
    const sut = SimulationEngine.create({ seed: 42 });
    for (let i = 0; i < 500; i++) sut.step(sut.nextTask());

    const rounded = JSON.parse(JSON.stringify(sut.summary(), (_key, value: unknown) => (typeof value === 'number' ? Number(value.toPrecision(10)) : value)));

    expect(rounded).toMatchSnapshot();
    expect(sut.modelInfo()?.version).toBe(10);
  });
});
