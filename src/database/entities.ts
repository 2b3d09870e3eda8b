import { Experiment, ExperimentRun } from '../experiments/experiment.entity.js';
import { MetricWindow } from '../metrics/metric-window.entity.js';
import { StrategyAggregate } from '../metrics/strategy-aggregate.entity.js';
import { SchedulerResult } from '../results/scheduler-result.entity.js';
import { SimulationRun } from '../runs/simulation-run.entity.js';
import { Task } from '../tasks/task.entity.js';
import { ModelVersion } from '../training/model-version.entity.js';
import { TrainingSample } from '../training/training-sample.entity.js';

export const ENTITIES = [SimulationRun, Task, SchedulerResult, MetricWindow, TrainingSample, ModelVersion, StrategyAggregate, Experiment, ExperimentRun];
