// The sandboxed preload is CommonJS and may only require 'electron': it imports nothing else at
// runtime except the IPC channel names from transport.ts, which are bundled in and which in turn
// have no runtime imports.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Runtime (non type-only) import specifiers of a module. */
function runtimeImports(text: string): string[] {
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true);
  const result: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) {
      const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
      const typeOnly = ts.isImportDeclaration(statement) ? clause?.isTypeOnly === true : statement.isTypeOnly;
      const spec = statement.moduleSpecifier;
      if (!typeOnly && spec && ts.isStringLiteral(spec)) result.push(spec.text);
    }
  }
  return result;
}

describe('preload', () => {
  it('imports only electron and the transport constants', () => {
    expect(runtimeImports(read('src-preload/index.ts')).sort()).toEqual(['../src-main/core/api/transport.js', 'electron']);
  });

  it('transport.ts, bundled into the preload, has no runtime imports', () => {
    expect(runtimeImports(read('src-main/core/api/transport.ts'))).toEqual([]);
  });

  it('exposes window.kaavan through contextBridge only', () => {
    const text = read('src-preload/index.ts');
    expect(text).toContain("contextBridge.exposeInMainWorld('kaavan', bridge)");
    expect(text).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});
