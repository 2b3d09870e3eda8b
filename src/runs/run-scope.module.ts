import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SimulationRun } from './simulation-run.entity.js';
import { RunScope } from './run-scope.service.js';
import { RunsLookupRepository } from './runs-lookup.repository.js';

@Module({
  imports: [TypeOrmModule.forFeature([SimulationRun])],
  providers: [RunScope, RunsLookupRepository],
  exports: [RunScope],
})
export class RunScopeModule {}
