// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Layering: renderer → shared ← main ← main/core (core imports only itself and shared);
 * main/electron (the only Electron imports) → main/app (the desktop app, Electron-free) → main/core.
 * Exported so test/unit/layering.test.ts can prove the rule bites.
 * @type {import('eslint').Linter.Config[]}
 */
export const layering = [
  {
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^electron(/.*)?$', message: 'main/core is pure Node: no electron imports (put Electron code in a main/ adapter).' },
          { regex: '(^|/)renderer(/|$)', message: 'main/core must not import renderer code.' },
          { regex: '^\\.\\./(?!\\.\\./shared/)', message: 'main/core must not import main/ adapters; only ./ (core) and ../../shared/.' },
        ],
      }],
    },
  },
  {
    files: ['main/app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^electron(/.*)?$', message: 'main/app is the desktop app without Electron: put Electron calls in a main/electron adapter.' },
          { regex: '^electron-store(/.*)?$', message: 'electron-store imports electron: open it in main/electron (electron-settings-store.ts) and pass it in.' },
          { regex: '(^|/)renderer(/|$)', message: 'main/app must not import renderer code.' },
          { regex: '(^|/)electron/', message: 'main/app must not import main/electron adapters; they import main/app.' },
        ],
      }],
    },
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '(^|/)renderer(/|$)', message: 'The main process must not import renderer code; share it through shared/.' },
        ],
      }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^electron(/.*)?$', message: 'shared/ is used by the renderer: no electron imports.' },
          { regex: '^node:', message: 'shared/ runs in the renderer too: no Node built-ins.' },
          { regex: '(^|/)(main|renderer)(/|$)', message: 'shared/ must not import main/ or renderer/.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^electron(/.*)?$', message: 'The renderer talks to main only through the preload bridge.' },
          { regex: '^node:', message: 'The renderer is sandboxed: no Node built-ins.' },
          { regex: '(^|/)main(/|$)', message: 'The renderer must not import main/ code; use shared/.' },
        ],
      }],
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
