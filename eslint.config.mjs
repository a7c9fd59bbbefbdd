import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;

/**
 * The import boundaries (STYLE.md, "Services never import each other", "no deep imports across
 * packages"), checked on every import, export … from, import() and require() with a literal path:
 *
 * - A workspace package is used through its name and what its package.json `exports` lists
 *   (`@rb/contracts`, `@rb/contracts/serde`, `@rb/kafka-runner`, `@rb/kafka-runner/produce`,
 *   `@rb/observability`, …): never `@rb/<pkg>/src/…`, never a relative path into `packages/<pkg>/`
 *   from outside that package. Need something the entry point lacks? Export it there (or add a
 *   subpath to `exports`).
 * - A file under services/A never imports anything under services/B, and no package imports a
 *   service.
 * - Root tests (test/) and scripts (scripts/) may import a service's public files only:
 *   `services/<s>/src/service.ts` (its composition root, start<Service>), `services/<s>/src/config.ts`
 *   (its config schema) and its test support under `services/<s>/test/` (harnesses, fakes, what a
 *   test needs beyond those two). Anything else a root test needs goes through one of them.
 *
 * The paths are resolved against the importing file, so `../../booking/src/x` from inside
 * services/ingress is caught as well as `../services/booking/src/x` from test/.
 */
const PACKAGE_EXPORTS = new Map(
  readdirSync(join(ROOT, 'packages')).map((dir) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8'));
    return [manifest.name, { dir, subpaths: new Set(Object.keys(manifest.exports ?? { '.': true })) }];
  }),
);
const PACKAGE_DIRS = new Map([...PACKAGE_EXPORTS].map(([name, { dir }]) => [dir, name]));
const PUBLIC_SERVICE_FILES = ['src/service', 'src/config'];
const PUBLIC_SERVICE_DIRS = ['test/'];

/** Where a repo-relative path lies: a package, a service, or the rest (root tests, scripts, config). */
function areaOf(path) {
  const [top, name] = path.split('/');
  if (top === 'packages' && PACKAGE_DIRS.has(name)) return { kind: 'package', name };
  if (top === 'services' && name) return { kind: 'service', name };
  return { kind: 'root' };
}

const toPosix = (path) => path.split(sep).join('/');
const withoutExtension = (path) => path.replace(/\.(ts|js|mjs|cjs)$/, '').replace(/\/index$/, '');

/** Why importing `source` from `file` (repo-relative) breaks a boundary, or undefined when it does not. */
function boundaryProblem(file, source) {
  const from = areaOf(file);
  if (source.startsWith('@rb/')) {
    const [scope, name, ...rest] = source.split('/');
    const pkg = PACKAGE_EXPORTS.get(`${scope}/${name}`);
    if (!pkg) return `${source}: services are not imported by package name`;
    const subpath = rest.length === 0 ? '.' : `./${rest.join('/')}`;
    if (pkg.subpaths.has(subpath)) return undefined;
    return `${source} is not an entry point of ${scope}/${name} (its package.json exports: ${[...pkg.subpaths].join(', ')})`;
  }
  if (!source.startsWith('.')) return undefined;
  const target = toPosix(relative(ROOT, resolve(dirname(join(ROOT, file)), source)));
  const to = areaOf(target);
  if (to.kind === 'package') {
    if (from.kind === 'package' && from.name === to.name) return undefined;
    return `${source} reaches into packages/${to.name}: import ${PACKAGE_DIRS.get(to.name)} (or a subpath its package.json exports)`;
  }
  if (to.kind !== 'service') return undefined;
  if (from.kind === 'service') {
    return from.name === to.name
      ? undefined
      : `services/${from.name} imports services/${to.name}: services never import each other`;
  }
  if (from.kind === 'package')
    return `packages/${from.name} imports services/${to.name}: packages never import services`;
  const inService = withoutExtension(target.slice(`services/${to.name}/`.length));
  if (PUBLIC_SERVICE_FILES.includes(inService) || PUBLIC_SERVICE_DIRS.some((dir) => inService.startsWith(dir)))
    return undefined;
  return `${source} is not a public file of services/${to.name} (root tests and scripts may import src/service.ts, src/config.ts and test/ only)`;
}

const boundaries = {
  rules: {
    imports: {
      meta: {
        type: 'problem',
        docs: { description: 'services never import each other; packages are used through their entry points' },
        messages: { boundary: '{{problem}}' },
        schema: [],
      },
      create(context) {
        const file = toPosix(relative(ROOT, context.filename));
        const check = (node) => {
          if (node?.type !== 'Literal' || typeof node.value !== 'string') return;
          const problem = boundaryProblem(file, node.value);
          if (problem) context.report({ node, messageId: 'boundary', data: { problem } });
        };
        return {
          ImportDeclaration: (node) => check(node.source),
          ExportNamedDeclaration: (node) => check(node.source),
          ExportAllDeclaration: (node) => check(node.source),
          ImportExpression: (node) => check(node.source),
          TSImportEqualsDeclaration: (node) => check(node.moduleReference?.expression),
          CallExpression: (node) => {
            if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
          },
        };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.infra/**', '.run/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config.ts only.' },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs', '**/*.mjs'],
    plugins: { boundaries },
    rules: { 'boundaries/imports': 'error' },
  },
  {
    // the composition roots (main and command-line entry points) hand the environment to the config
    // parser; scripts and test set-up read it directly
    files: [
      '**/config.ts',
      '**/src/main.ts',
      '**/entry-points/cli/**',
      'scripts/**',
      '**/test/**',
      '**/bench/**',
      '**/*.test.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', console: 'readonly' } },
  },
);
