// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { readdirSync } from 'node:fs';

/**
 * Layering (docs/ARCHITECTURE.md): dependencies point one way, and each folder is entered
 * through its public face.
 *
 *   renderer → shared ← main/electron → main/desktop → main/core ← main/cli
 *                          (only Electron imports)   (Electron-free)   (the command)
 *   emulator: stands alone (the demo and the tests use it; it uses nothing of ours)
 *
 * - main/core is one folder per feature; a feature reaches another only through its index.ts,
 *   and main/cli, main/desktop and main/electron reach main/core only through those index files.
 * - main/ never imports test/; nothing imports in a cycle.
 * Exported so test/unit/layering.test.ts can prove each rule bites.
 */
const CORE_FEATURES = readdirSync(new URL('./main/core/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const zones = [
  { target: ['./main', './shared', './renderer', './emulator'], from: './test', message: 'Product code never imports test/.' },
  {
    target: './main/core',
    from: ['./main/cli', './main/desktop', './main/electron', './renderer', './emulator'],
    message: 'main/core is the bottom layer: it imports only itself and shared/.',
  },
  {
    target: './main/cli',
    from: ['./main/desktop', './main/electron', './renderer'],
    message: 'The command uses main/core (and the emulator, for the demo), never the desktop app.',
  },
  {
    target: './main/desktop',
    from: ['./main/cli', './main/electron', './renderer', './emulator'],
    message: 'main/desktop is the desktop app without Electron: it uses main/core and shared/ only.',
  },
  {
    target: './main/electron',
    from: ['./main/cli', './renderer', './emulator'],
    message: 'The Electron adapters wire main/desktop and main/core; renderer code is shared through shared/.',
  },
  {
    target: './shared',
    from: ['./main', './renderer', './emulator'],
    message: 'shared/ is used by the main process and the window alike: it imports nothing of theirs.',
  },
  { target: './renderer', from: ['./main', './emulator'], message: 'The window talks to main only through the preload bridge; share code through shared/.' },
  {
    target: './emulator',
    from: ['./main', './shared', './renderer'],
    message: 'The emulator shares no code with the client on purpose: a double built from the client cannot catch its bugs.',
  },
  {
    target: ['./main/cli', './main/desktop', './main/electron'],
    from: './main/core',
    except: CORE_FEATURES.map((f) => `./${f}/index.ts`),
    message: "Use the feature's public face: import main/core/<feature>/index.js.",
  },
  ...CORE_FEATURES.map((f) => ({
    target: `./main/core/${f}`,
    from: './main/core',
    except: [`./${f}`, ...CORE_FEATURES.filter((g) => g !== f).map((g) => `./${g}/index.ts`)],
    message: 'A core feature reaches another only through its index.js.',
  })),
];

/** Third-party modules that belong to the Electron adapters only. */
const bannedModules = () => [
  { name: 'electron', message: 'Only main/electron/ imports electron: put Electron calls in an adapter there.' },
  { name: 'electron-store', message: 'electron-store imports electron: open it in main/electron (electron-settings-store.ts).' },
];

/** @type {import('eslint').Linter.Config[]} */
export const layering = [
  {
    files: ['main/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.ts', 'emulator/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // no-cycle reads the imported files too: it must know how to parse TypeScript.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['./tsconfig.json', './renderer/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones, basePath: import.meta.dirname }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['main/core/**/*.ts', 'main/desktop/**/*.ts', 'main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: bannedModules() }],
    },
  },
  {
    files: ['shared/**/*.ts', 'renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: bannedModules(),
          patterns: [{ regex: '^node:', message: 'shared/ and the window run in the sandboxed renderer too: no Node built-ins.' }],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'release/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...layering,
);
