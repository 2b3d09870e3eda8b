import { Injectable, type OnModuleDestroy } from '@nestjs/common';

/** Knows whether the process is shutting down, so readiness can drop before anything closes. */
@Injectable()
export class LifecycleService implements OnModuleDestroy {
  private stopping = false;

  get shuttingDown(): boolean {
    return this.stopping;
  }

  // Destroy hooks run first on SIGTERM, before buffers flush and the server closes.
  onModuleDestroy(): void {
    this.stopping = true;
  }
}
