import { ESLint } from 'eslint';

// The engine must stay framework-free; this proves the lint rule really bites. It lives outside the
// engine folder because its own text names the very imports the engine may not make.
describe('engine import boundary', () => {
  const lint = async (code: string): Promise<string[]> => {
    const [result] = await new ESLint().lintText(code, { filePath: 'src/engine/x.ts' });
    return result.messages.map((m) => m.ruleId ?? '');
  };

  it('fails the lint on a Nest import inside the engine', async () => {
    await expect(lint("import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n")).resolves.toContain('no-restricted-imports');
  });

  it('fails the lint on TypeORM, cache-manager and fs imports and on Math.random', async () => {
    await expect(lint("import { DataSource } from 'typeorm';\nexport const x = DataSource;\n")).resolves.toContain('no-restricted-imports');
    await expect(lint("import { caching } from 'cache-manager';\nexport const x = caching;\n")).resolves.toContain('no-restricted-imports');
    await expect(lint("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).resolves.toContain('no-restricted-imports');
    await expect(lint('export const x = Math.random();\n')).resolves.toContain('no-restricted-properties');
  });

  it('passes the lint on a framework-free engine file', async () => {
    await expect(lint("import { parse } from 'csv-parse/sync';\nexport const x = parse;\n")).resolves.toEqual([]);
  });
});
