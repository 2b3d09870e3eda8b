import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ROOT } from './support/child-app.js';

const MODULE = pathToFileURL(path.join(ROOT, 'dist/common/next-tick-shape.js')).href;

// In a process of its own: gc() and V8's %HaveSameMap need flags that hold for a whole process.
const SCRIPT = `
import { nextTickEntry, pinNextTickShape } from ${JSON.stringify(MODULE)};
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)');
const pinned = pinNextTickShape();
const again = pinNextTickShape();
// Full collections with the tick queue empty: without the pin, each frees the entries' maps.
for (let i = 0; i < 4; i++) {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}
const later = nextTickEntry();
console.log(JSON.stringify({
  keys: Object.keys(pinned),
  symbols: Object.getOwnPropertySymbols(pinned).length,
  idempotent: pinned === again,
  distinct: pinned !== later,
  sameMap: sameMap(pinned, later),
}));
`;

describe('pinNextTickShape (dist/common/next-tick-shape.js)', () => {
  it('holds a nextTick entry whose map later entries still have after full collections', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--allow-natives-syntax', '--input-type=module', '-e', SCRIPT], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual({ keys: ['callback', 'args'], symbols: 2, idempotent: true, distinct: true, sameMap: true });
  });
});
