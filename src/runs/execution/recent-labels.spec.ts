import { RecentLabels } from './recent-labels.js';
import type { Task } from '../../engine/index.js';

const task = (id: number): Task => ({ id, size: 100 + id, computeIntensity: 0.5, memoryRequired: 10, durationEstimate: 1, arrivalTime: id, dependencies: [] });

describe('RecentLabels', () => {
  it('answers the latest rows before an index, oldest first, once it holds all of them', () => {
    const recent = new RecentLabels(4, 0);
    for (let i = 0; i < 3; i++) recent.add(task(i), i / 10);
    // Fewer tasks than the window so far: all of them.
    expect(recent.window(3, 4)?.map((r) => r.label)).toEqual([0, 0.1, 0.2]);
    for (let i = 3; i < 10; i++) recent.add(task(i), i / 10);
    expect(recent.window(10, 4)?.map((r) => r.label)).toEqual([0.6, 0.7, 0.8, 0.9]);
    expect(recent.window(8, 2)?.map((r) => r.features[0])).toEqual([106, 107]);
  });

  it('answers null for rows it never held or no longer holds, and for a window over its capacity', () => {
    const reopened = new RecentLabels(4, 100);
    expect(reopened.window(100, 4)).toBeNull();
    for (let i = 100; i < 102; i++) reopened.add(task(i), 0);
    expect(reopened.window(102, 4)).toBeNull();
    expect(reopened.window(102, 2)).toHaveLength(2);
    expect(reopened.window(103, 1)).toBeNull();
    const recent = new RecentLabels(4, 0);
    for (let i = 0; i < 20; i++) recent.add(task(i), 0);
    expect(recent.window(12, 4)).toBeNull();
    expect(recent.window(20, 5)).toBeNull();
    expect(recent.window(20, 4)).toHaveLength(4);
  });
});
