import { PlacementModel, SimulationEngine } from '../../engine/index.js';
import fit from './forest-fit.worker.js';

function labelledRows() {
  const engine = SimulationEngine.create({ seed: 2, strategies: ['greedy'], learning: { mode: 'external' } });
  for (let i = 0; i < 60; i++) engine.step(engine.nextTask());
  return { rows: engine.trainingWindow(), options: { ...engine.nextForestOptions(), nTrees: 3 } };
}

describe('forest-fit worker', () => {
  it('answers the JSON of the model fitted on the same rows and options, with its scores', () => {
    const { rows, options } = labelledRows();

    const outcome = fit({ rows, options, holdoutFraction: 0.2 });

    const direct = PlacementModel.fit(rows.map((r) => r.features), rows.map((r) => r.label), { ...options, holdoutFraction: 0.2 });
    expect(outcome.model).toEqual(direct.model.toJSON());
    expect(outcome).toMatchObject({ r2: direct.r2, mae: direct.mae, samples: direct.samples, importances: direct.importances });
  });
});
