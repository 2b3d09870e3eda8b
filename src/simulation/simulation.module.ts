import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SimulationRun } from './simulation-run.entity.js';
import { SimulationRunsRepository } from './simulation-runs.repository.js';
import { SimulationController } from './simulation.controller.js';
import { SimulationService } from './simulation.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SimulationRun])],
  controllers: [SimulationController],
  providers: [SimulationService, SimulationRunsRepository],
  exports: [SimulationService, SimulationRunsRepository],
})
export class SimulationModule {}
