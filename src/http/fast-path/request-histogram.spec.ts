import { Histogram, Registry } from 'prom-client';
import { RequestHistogram } from './request-histogram.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.1, 1];
// On a bound, past the last one, zero, and several series sharing a route or a status.
const OBSERVED: [string, string, number, number][] = [
  ['/health', 'GET', 200, 0.0004],
  ['/health', 'GET', 200, 0.005],
  ['/health', 'GET', 200, 0.0051],
  ['/api/tasks/:id', 'GET', 404, 2.5],
  ['/api/tasks/:id', 'GET', 200, 0],
  ['/api/tasks/:id', 'DELETE', 200, 0.1],
  ['unmatched', 'GET', 404, 0.02],
];

describe('RequestHistogram', () => {
  it("is exposed exactly as prom-client's Histogram with the same observations", async () => {
    const ours = new Registry();
    const histogram = new RequestHistogram('http_request_duration_seconds', 'Request duration', BUCKETS);
    ours.registerMetric(histogram as unknown as Histogram);
    const theirs = new Registry();
    const reference = new Histogram({ name: 'http_request_duration_seconds', help: 'Request duration', labelNames: ['route', 'method', 'status'], buckets: BUCKETS, registers: [theirs] });
    for (const [route, method, status, seconds] of OBSERVED) {
      histogram.observe(route, method, status, seconds);
      reference.observe({ route, method, status: String(status) }, seconds);
    }

    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.005",route="/health",method="GET",status="200"} 2');
    expect(text).toContain('http_request_duration_seconds_count{route="/api/tasks/:id",method="GET",status="404"} 1');
  });

  it('starts again from nothing when the registry is reset', async () => {
    const registry = new Registry();
    const histogram = new RequestHistogram('d', 'h', BUCKETS);
    registry.registerMetric(histogram as unknown as Histogram);
    histogram.observe('/health', 'GET', 200, 0.001);
    registry.resetMetrics();
    expect(await registry.metrics()).toBe('# HELP d h\n# TYPE d histogram\n');
  });
});
