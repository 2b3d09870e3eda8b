import { BadRequestException, Injectable } from '@nestjs/common';
import { NotFound } from '../common/app-errors.js';
import { EngineError } from '../engine/index.js';
import { LeaderboardService } from '../metrics/leaderboard.service.js';
import { RunCatalog } from '../runs/run-catalog.service.js';
import { RunLifecycle } from '../runs/run-lifecycle.service.js';
import type { CreateExperimentDto } from './dto/create-experiment.dto.js';
import { aggregateCells, type CellAggregate, type CellRun } from './experiment-aggregates.js';
import { cellRequest, checkGrid, gridCells, type Cell } from './experiment-grid.js';
import { ExperimentsRepository, type StoredExperiment, type StoredExperimentRun } from './experiments.repository.js';

export type ExperimentStatus = 'running' | 'completed' | 'failed';

/** How far an experiment's runs are. */
export interface ExperimentProgress {
  /** Runs of the experiment that still exist. */
  runs: number;
  queued: number;
  running: number;
  completed: number;
  /** Failed, stopped or cancelled runs. */
  failed: number;
  tasksProcessed: number;
}

export interface ExperimentSummary {
  id: number;
  name: string;
  createdAt: string;
  status: ExperimentStatus;
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  seeds: number[];
  progress: ExperimentProgress;
}

export interface ExperimentDetail extends ExperimentSummary {
  /** Per cell: its settings, per strategy the mean over seeds of each metric with its 95% interval, the best strategy and the paired differences to it. */
  cells: CellAggregate[];
  /** Per cell, the runs in which each learner never trained (its figures are its fallback's there). */
  untrained: { cell: number; strategy: string; runs: number }[];
}

// Leaderboards read at once when an experiment is read (each is cached per run version).
const LEADERBOARDS_AT_ONCE = 4;
const RUN_NAME_PREFIX = 120;

/**
 * Experiments: a grid of run settings × seeds, each (cell, seed) an ordinary batch run created
 * through RunLifecycle and executed by the run queue; read back as means over seeds with 95% intervals
 * (Student t) and paired differences to each cell's best strategy, from the runs' leaderboards.
 */
@Injectable()
export class ExperimentsService {
  constructor(
    private readonly experiments: ExperimentsRepository,
    private readonly lifecycle: RunLifecycle,
    private readonly catalog: RunCatalog,
    private readonly leaderboard: LeaderboardService,
  ) {}

  /** Validates every cell first (400 with what is wrong, nothing stored), then stores the experiment and creates its runs. */
  async create(dto: CreateExperimentDto): Promise<{ id: number }> {
    if ((dto.seeds === undefined) === (dto.repetitions === undefined)) throw new BadRequestException(['give exactly one of seeds or repetitions']);
    const seeds = dto.seeds ?? Array.from({ length: dto.repetitions as number }, (_, i) => i + 1);
    const grid = dto.grid ?? {};
    const cells = checkGrid(dto.base, grid, seeds.length);
    const name = dto.name ?? `experiment: ${cells.length} cells × ${seeds.length} seeds`;
    for (const cell of cells) await this.check(name, dto.base, cell, seeds[0]);
    const id = await this.experiments.create({ name, base: dto.base, grid, seeds });
    for (const [index, cell] of cells.entries()) {
      for (const seed of seeds) {
        const runName = `${name.slice(0, RUN_NAME_PREFIX)} · cell ${index} · seed ${seed}`;
        const run = await this.lifecycle.create(await cellRequest(runName, dto.base, cell, seed));
        await this.experiments.addRun(id, { cell: index, seed, runId: run.id });
      }
    }
    return { id };
  }

  /** Newest first, with progress (no aggregates). */
  async list(limit: number): Promise<ExperimentSummary[]> {
    const found = await this.experiments.list(limit);
    return Promise.all(found.map(async (e) => summary(e, await this.progress(await this.experiments.runs(e.id)))));
  }

  async get(id: number): Promise<ExperimentDetail> {
    const experiment = await this.experiments.find(id);
    if (!experiment) throw new NotFound('experiment', id);
    const runs = await this.experiments.runs(id);
    const statuses = await this.catalog.progressOf(runs.map((r) => r.runId));
    const completed = new Set(statuses.filter((s) => s.status === 'completed').map((s) => s.id));
    const boards = await this.leaderboards(runs.filter((r) => completed.has(r.runId)));
    const cells: Cell[] = gridCells(experiment.grid);
    const untrained = new Map<string, { cell: number; strategy: string; runs: number }>();
    for (const board of boards) {
      for (const e of board.entries.filter((entry) => entry.trained === false)) {
        const key = `${board.cell}/${e.scheduler}`;
        const line = untrained.get(key) ?? { cell: board.cell, strategy: e.scheduler, runs: 0 };
        line.runs++;
        untrained.set(key, line);
      }
    }
    return { ...summary(experiment, tally(statuses)), cells: aggregateCells(cells, boards), untrained: [...untrained.values()] };
  }

  /** Removes the experiment and its runs (each through RunLifecycle, stopping it first if it executes). */
  async delete(id: number): Promise<void> {
    if (!(await this.experiments.find(id))) throw new NotFound('experiment', id);
    for (const run of await this.experiments.runs(id)) {
      await this.lifecycle.delete(run.runId).catch((e: unknown) => {
        if (!(e instanceof NotFound)) throw e;
      });
    }
    await this.experiments.delete(id);
  }

  private async check(name: string, base: Record<string, unknown>, cell: Cell, seed: number): Promise<void> {
    const request = await cellRequest(name.slice(0, RUN_NAME_PREFIX), base, cell, seed);
    try {
      this.lifecycle.check(request);
    } catch (e) {
      if (e instanceof EngineError) throw new BadRequestException([`cell ${JSON.stringify(cell)}: ${e.message}`]);
      throw e;
    }
  }

  private async progress(runs: StoredExperimentRun[]): Promise<ExperimentProgress> {
    return tally(await this.catalog.progressOf(runs.map((r) => r.runId)));
  }

  private async leaderboards(runs: StoredExperimentRun[]): Promise<CellRun[]> {
    const out: CellRun[] = [];
    for (let i = 0; i < runs.length; i += LEADERBOARDS_AT_ONCE) {
      const chunk = runs.slice(i, i + LEADERBOARDS_AT_ONCE);
      out.push(...(await Promise.all(chunk.map(async (r) => ({ cell: r.cell, seed: r.seed, entries: (await this.leaderboard.get(r.runId)).items })))));
    }
    return out;
  }
}

function tally(statuses: { status: string; tasksProcessed: number }[]): ExperimentProgress {
  const count = (...names: string[]) => statuses.filter((s) => names.includes(s.status)).length;
  return {
    runs: statuses.length,
    queued: count('queued'),
    running: count('running', 'paused'),
    completed: count('completed'),
    failed: count('failed', 'stopped'),
    tasksProcessed: statuses.reduce((a, s) => a + s.tasksProcessed, 0),
  };
}

function summary(e: StoredExperiment, progress: ExperimentProgress): ExperimentSummary {
  const status: ExperimentStatus = progress.queued + progress.running > 0 ? 'running' : progress.failed > 0 ? 'failed' : 'completed';
  return { id: e.id, name: e.name, createdAt: new Date(e.createdAt).toISOString(), status, base: e.base, grid: e.grid, seeds: e.seeds, progress };
}
