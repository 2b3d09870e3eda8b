// Builds the dashboard (web/) into dist/public: one HTML page and its assets, bundled and minified by
// esbuild, named by content hash, each with a gzip copy that the service sends to browsers that take it.
// Prints the gzip size of the JS and CSS, and fails above the budget.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist/public');
const ASSETS = path.join(OUT, 'assets');
const BUDGET_BYTES = 150 * 1024;

rmSync(OUT, { recursive: true, force: true });
mkdirSync(ASSETS, { recursive: true });
const result = await build({
  entryPoints: [path.join(ROOT, 'web/src/main.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outdir: ASSETS,
  entryNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});

const files = Object.keys(result.metafile.outputs).map((f) => path.resolve(ROOT, f));
const script = files.find((f) => f.endsWith('.js'));
const style = files.find((f) => f.endsWith('.css'));
if (!script || !style) throw new Error('the dashboard build made no JS or no CSS');
let gzipTotal = 0;
for (const file of files) {
  const gz = gzipSync(readFileSync(file), { level: 9 });
  writeFileSync(`${file}.gz`, gz);
  gzipTotal += gz.length;
  console.log(`dashboard: ${path.relative(ROOT, file)} ${(gz.length / 1024).toFixed(1)} KB gzip`);
}
const html = readFileSync(path.join(ROOT, 'web/index.html'), 'utf8')
  .replace('%SCRIPT%', `assets/${path.basename(script)}`)
  .replace('%STYLE%', `assets/${path.basename(style)}`);
writeFileSync(path.join(OUT, 'index.html'), html);
console.log(`dashboard: JS + CSS ${(gzipTotal / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB)`);
if (gzipTotal > BUDGET_BYTES) {
  console.error('dashboard: over the size budget');
  process.exit(1);
}
