import { InProcessRunQueue } from './in-process-run-queue.js';
import type { JobOutcome, RunJobs } from './run-jobs.js';

/** RunJobs whose runs end when the test says so. */
function fakeJobs() {
  const started: number[] = [];
  const finish = new Map<number, (o: JobOutcome) => void>();
  const jobs = {
    run: (id: number) =>
      new Promise<JobOutcome>((resolve) => {
        started.push(id);
        finish.set(id, resolve);
      }),
    cancel: (id: number) => {
      finish.get(id)?.('cancelled');
      return finish.has(id);
    },
    cancelAll: () => finish.forEach((end) => end('cancelled')),
    shutDown: () => finish.forEach((end) => end('interrupted')),
    executing: () => null,
  };
  return { jobs: jobs as unknown as RunJobs, started, end: (id: number) => finish.get(id)!('completed') };
}

const settle = () => new Promise((r) => setImmediate(r));

describe(InProcessRunQueue.name, () => {
  it('executes nothing before it is started, then the runs in order, one at a time by default', async () => {
    const { jobs, started, end } = fakeJobs();
    const sut = new InProcessRunQueue(jobs, 1);
    await sut.enqueue(1);
    await sut.enqueue(2);
    expect(started).toEqual([]);
    sut.start();
    expect(started).toEqual([1]);
    end(1);
    await settle();
    expect(started).toEqual([1, 2]);
  });

  it('executes up to its concurrency at once', async () => {
    const { jobs, started, end } = fakeJobs();
    const sut = new InProcessRunQueue(jobs, 2);
    sut.start();
    for (const id of [1, 2, 3]) await sut.enqueue(id);
    expect(started).toEqual([1, 2]);
    end(2);
    await settle();
    expect(started).toEqual([1, 2, 3]);
  });

  it('queues a run once, whether it waits or executes', async () => {
    const { jobs, started, end } = fakeJobs();
    const sut = new InProcessRunQueue(jobs, 1);
    sut.start();
    for (const id of [1, 1, 2, 2, 1]) await sut.enqueue(id);
    end(1);
    await settle();
    end(2);
    await settle();
    expect(started).toEqual([1, 2]);
  });

  it('drops a waiting run on cancel, and waits for an executing one to stop', async () => {
    const { jobs, started } = fakeJobs();
    const sut = new InProcessRunQueue(jobs, 1);
    sut.start();
    for (const id of [1, 2, 3]) await sut.enqueue(id);
    await sut.cancel(2);
    await sut.cancel(1);
    await settle();
    expect(started).toEqual([1, 3]);
  });

  it('starts nothing more once closed', async () => {
    const { jobs, started } = fakeJobs();
    const sut = new InProcessRunQueue(jobs, 1);
    sut.start();
    for (const id of [1, 2]) await sut.enqueue(id);
    await sut.close();
    await sut.enqueue(3);
    await settle();
    expect(started).toEqual([1]);
  });
});
