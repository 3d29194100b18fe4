import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/domain/**/*.ts', 'src/shared/**/*.ts', 'src/calendar/**/*.ts'],
    rules: {
      // the domain is pure: no I/O, no SDKs, no ambient clock or environment
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'http', 'https', 'net', 'child_process'], message: 'src/domain is pure: no I/O' },
            { group: ['@slack/*', '@octokit/*', 'bullmq', 'ioredis', 'pino', '../adapters/*', '../../adapters/*', '../app/*', '../../app/*'], message: 'src/domain must not depend on SDKs, adapters or use-cases' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'inject a clock' },
        { object: 'process', property: 'env', message: 'pass configuration in' },
      ],
    },
  },
  {
    // the calendar libraries are loaded on first use (src/calendar/libraries.ts): only these three, only there
    files: ['src/calendar/libraries.ts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allow: ['^cron-parser$', '^date-holidays$', '^ical\\.js$'] }] },
  },
  {
    // the sandbox console's browser code: ES modules served as they are (no bundler)
    files: ['src/sandbox/console/static/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      ecmaVersion: 2020,
      globals: Object.fromEntries(
        ['window', 'document', 'fetch', 'EventSource', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'console', 'location', 'history', 'navigator', 'URL', 'URLSearchParams', 'localStorage', 'requestAnimationFrame', 'Intl', 'HTMLElement', 'Event', 'KeyboardEvent'].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    files: ['bin/**/*.js', 'jest.config.js', 'scripts/**/*.js', 'test/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
