// The Nest schematics that run on Node 20 (@nestjs/schematics 11; 12 needs Node 22) write relative
// imports without an extension, which an ESM project ("type": "module", NodeNext) cannot resolve.
// Each schematic here runs its @nestjs/schematics namesake, then adds `.js` to the extension-less
// relative imports of every TypeScript file it created or changed.
'use strict';
// A schematic factory is loaded with require(), so this file is CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { chain, externalSchematic } = require('@angular-devkit/schematics');

const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]*)\2/g;
const HAS_EXTENSION = /\.(?:[cm]?[jt]sx?|json)$/;

function withJsExtensions(source) {
  return source.replace(RELATIVE_IMPORT, (match, keyword, quote, specifier) =>
    HAS_EXTENSION.test(specifier) ? match : `${keyword}${quote}${specifier}.js${quote}`,
  );
}

function addJsExtensions() {
  return (tree) => {
    const touched = new Set(
      tree.actions.filter((a) => (a.kind === 'c' || a.kind === 'o') && a.path.endsWith('.ts')).map((a) => a.path),
    );
    for (const file of touched) {
      const content = tree.read(file);
      if (content === null) continue;
      const before = content.toString('utf8');
      const after = withJsExtensions(before);
      if (after !== before) tree.overwrite(file, after);
    }
    return tree;
  };
}

const wrap = (name) => (options) => chain([externalSchematic('@nestjs/schematics', name, options), addJsExtensions()]);

for (const name of [
  'class', 'controller', 'decorator', 'filter', 'gateway', 'guard', 'interceptor', 'interface',
  'middleware', 'module', 'pipe', 'provider', 'resolver', 'resource', 'service',
]) {
  exports[name] = wrap(name);
}
exports.withJsExtensions = withJsExtensions;
