import { Module } from '@nestjs/common';
import { IngestRepository } from './ingest.repository.js';
import { RetentionRepository } from './retention.repository.js';

/** The write model: the one home of writes to a run's rows (see IngestRepository). */
@Module({ providers: [IngestRepository, RetentionRepository], exports: [IngestRepository, RetentionRepository] })
export class IngestModule {}
