// The core/shell rule (DESIGN §1): nothing under src-main/core may import Electron, so the engines
// run in plain Node (CLI, headless server, tests). Type-only imports count too: core stays free of
// Electron's types as well as its runtime.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('../../', import.meta.url).pathname;
const coreDir = join(root, 'src-main', 'core');
const SOURCE = /\.(?:[cm]?[jt]sx?)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const isElectron = (specifier: string) => specifier === 'electron' || specifier.startsWith('electron/');

/** Every module specifier of a file: static and type imports, re-exports, import(), require(). */
export function electronImports(text: string): string[] {
  const found = ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter(isElectron);
  // Backstop for forms preProcessFile does not report (require.resolve, template literals).
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const pattern = /(?:\bimport\s*\(|\brequire(?:\.resolve)?\s*\()\s*(['"`])(electron(?:\/[^'"`]*)?)\1/g;
  for (const match of withoutComments.matchAll(pattern)) found.push(match[2]!);
  return [...new Set(found)];
}

describe('src-main/core imports no electron', () => {
  it('the scanner recognises every way of importing it', () => {
    const samples = [
      "import { app } from 'electron';",
      'import type { BrowserWindow } from "electron";',
      "import 'electron';",
      "export { ipcMain } from 'electron/main';",
      "const e = await import('electron');",
      'const e = await import(`electron`);',
      "const { app } = require('electron');",
      "const p = require.resolve('electron');",
      "import electron = require('electron');",
    ];
    for (const sample of samples) expect(electronImports(sample), sample).not.toEqual([]);
    const innocent = [
      "const mode: 'electron' | 'headless' = 'electron';",
      "// import { app } from 'electron';",
      "/* require('electron') */",
      "import { x } from 'electron-store-like';",
      "import { y } from './electron.js';",
    ];
    for (const sample of innocent) expect(electronImports(sample), sample).toEqual([]);
  });

  it('no file under src-main/core imports or requires electron', () => {
    const files = sourceFiles(coreDir);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files
      .map((file) => ({ file: relative(root, file), imports: electronImports(readFileSync(file, 'utf8')) }))
      .filter((entry) => entry.imports.length > 0);
    expect(offenders).toEqual([]);
  });
});
