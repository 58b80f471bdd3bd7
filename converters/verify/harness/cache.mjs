// The npm cache of the compatibility suite: a plain npm folder holding @mastra/core, zod, tsx and
// whatever else the Mastra project under test imports, installed on first use.
//
// Installs are additive (`npm install <spec>...` with --save, so later installs keep earlier ones),
// run with --no-audit --no-fund --ignore-scripts, and serialised by a lock folder so two verify runs
// sharing a cache never install at the same time.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/** Exit codes shared with converters/verify/node.py. */
export const EXIT = { usage: 2, loadFailed: 3, toolMissing: 4, installFailed: 5 };

/** Versions known to work with @mastra/core 1.71.0 (the default core version). */
export const DEFAULT_CORE_VERSION = '1.71.0';
/**
 * The Mastra a 0.x project is verified with (LUMOS_MASTRA_0X_VERSION overrides): the last 0.x
 * release, with the @mastra packages of its generation. It still runs the 0.x agent API (the
 * AI SDK v4 `generate`/`stream` of 0.x projects, named `generateLegacy`/`streamLegacy` there).
 */
export const DEFAULT_0X_CORE_VERSION = '0.24.9';
const PINNED_FOR_CORE = {
  [DEFAULT_CORE_VERSION]: {
    '@mastra/memory': '1.31.0',
    '@mastra/libsql': '1.23.1',
    '@mastra/mcp': '2.0.0',
    '@mastra/loggers': '1.3.2',
    '@mastra/pg': '1.27.1',
    '@mastra/upstash': '1.3.1',
  },
  [DEFAULT_0X_CORE_VERSION]: {
    '@mastra/memory': '0.15.13',
    '@mastra/libsql': '0.16.4',
    '@mastra/mcp': '0.14.5',
    '@mastra/loggers': '0.10.19',
    '@mastra/pg': '0.17.10',
    '@mastra/upstash': '0.15.9',
  },
};
// zod, tsx and the AI SDK providers a project of each generation is written against
const ALWAYS_PINNED = {
  '1.x': {
    zod: '^4',
    tsx: '^4',
    '@ai-sdk/openai': '^2',
    '@ai-sdk/anthropic': '^2',
    '@ai-sdk/google': '^2',
    '@ai-sdk/openai-compatible': '^2',
  },
  '0.x': {
    zod: '^3.25',
    tsx: '^4',
    '@ai-sdk/openai': '^1',
    '@ai-sdk/anthropic': '^1',
    '@ai-sdk/google': '^1',
    '@ai-sdk/openai-compatible': '^0',
  },
};

/** '0.x' or '1.x' for a version or range of @mastra/core (`^0.10.9`, `~1.2`, `1.0.0-beta.3`). */
export function generationOf(spec) {
  const match = String(spec || '').match(/(\d+)\.\d+/);
  if (!match) return null;
  return match[1] === '0' ? '0.x' : '1.x';
}

/**
 * The @mastra/core version to verify a project with: the project's generation (its package.json
 * range, else its package-lock.json) picks the 1.x or the 0.x pin; the environment overrides each.
 */
export function coreVersionFor(project) {
  let spec = projectRanges(project)['@mastra/core'];
  if (!spec) {
    try {
      const lock = JSON.parse(fs.readFileSync(path.join(project, 'package-lock.json'), 'utf8'));
      spec = lock.packages?.['node_modules/@mastra/core']?.version ?? lock.dependencies?.['@mastra/core']?.version;
    } catch {
      spec = undefined;
    }
  }
  if (generationOf(spec) === '0.x') return process.env.LUMOS_MASTRA_0X_VERSION || DEFAULT_0X_CORE_VERSION;
  return process.env.LUMOS_MASTRA_VERSION || DEFAULT_CORE_VERSION;
}

const LOCK_STALE_MS = 15 * 60 * 1000;
const LOCK_WAIT_MS = 20 * 60 * 1000;
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.mastra', 'dist', 'build', '.turbo', '.next']);
const SOURCE_RE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** A failure with the exit code the harness should end with. */
export class HarnessError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Every source file of a project, skipping build output and dependencies. */
export function projectSources(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path.join(dir, entry.name));
      } else if (SOURCE_RE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push(path.join(dir, entry.name));
      }
    }
  };
  walk(root);
  return out.sort();
}

const IMPORT_RES = [
  /(?:^|[\s;])import\s+(?!type\s)[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g,
  /(?:^|[\s;])export\s+(?!type\s)[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g,
  /(?:^|[\s;])import\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];
const BUILTINS = new Set(builtinModules);

/** The npm package a bare import specifier names, or null for relative, builtin and alias imports. */
export function packageOf(specifier) {
  if (/^[./]/.test(specifier) || specifier.startsWith('node:') || /^[#~]/.test(specifier)) return null;
  if (specifier.startsWith('@/')) return null; // the usual tsconfig path alias
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (BUILTINS.has(name)) return null;
  if (!/^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/.test(name)) return null;
  return name;
}

/** Bare packages imported by the project's source files (type-only imports excluded). */
export function importedPackages(root) {
  const found = new Set();
  for (const file of projectSources(root)) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const re of IMPORT_RES) {
      for (const match of text.matchAll(re)) {
        const name = packageOf(match[1]);
        if (name) found.add(name);
      }
    }
  }
  return [...found].sort();
}

function projectRanges(root) {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    return { ...(pkg.devDependencies || {}), ...(pkg.dependencies || {}) };
  } catch {
    return {};
  }
}

/** The npm spec to install for a package the project needs. */
export function specFor(name, coreVersion, ranges) {
  if (name === '@mastra/core') return `@mastra/core@${coreVersion}`;
  const always = ALWAYS_PINNED[generationOf(coreVersion) ?? '1.x'];
  if (name in always) return `${name}@${always[name]}`;
  const pinned = PINNED_FOR_CORE[coreVersion] ?? {};
  if (name in pinned) return `${name}@${pinned[name]}`;
  if (ranges[name] && !/^(?:file|link|workspace|git|github):/.test(ranges[name])) {
    return `${name}@${ranges[name]}`;
  }
  return name;
}

function installedVersion(home, name) {
  try {
    const pkg = path.join(home, 'node_modules', ...name.split('/'), 'package.json');
    return JSON.parse(fs.readFileSync(pkg, 'utf8')).version || '0.0.0';
  } catch {
    return null;
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Run `fn` holding the cache's install lock (a folder made atomically with mkdir). */
export function withLock(home, log, fn) {
  const lock = path.join(home, '.lumos-install.lock');
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, since: Date.now() }));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = null;
      try {
        owner = JSON.parse(fs.readFileSync(path.join(lock, 'owner.json'), 'utf8'));
      } catch {
        owner = null;
      }
      const age = owner ? Date.now() - owner.since : Date.now() - fs.statSync(lock).mtimeMs;
      if ((owner && !pidAlive(owner.pid)) || age > LOCK_STALE_MS) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > LOCK_WAIT_MS) {
        throw new HarnessError(
          EXIT.installFailed,
          `another process (pid ${owner?.pid ?? '?'}) has held the install lock ${lock} for too long; ` +
            'if no other verify run is installing, delete that folder and retry',
        );
      }
      if (!announced) {
        log(`waiting for another install into ${home} (lock ${lock})`);
        announced = true;
      }
      sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function npmInstall(home, specs, log) {
  const npm = process.env.LUMOS_NPM || 'npm';
  const args = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--save', '--loglevel=error', ...specs];
  log(`installing into ${home}: ${specs.join(' ')}`);
  const proc = spawnSync(npm, args, {
    cwd: home,
    encoding: 'utf8',
    shell: process.platform === 'win32',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (proc.error && proc.error.code === 'ENOENT') {
    throw new HarnessError(
      EXIT.toolMissing,
      `npm was not found (tried ${JSON.stringify(npm)}). The compatibility suite installs real Mastra ` +
        'from npm on first use. Install Node.js 20 or newer with npm (https://nodejs.org/en/download, ' +
        'or `apt-get install nodejs npm`, `brew install node`), or set LUMOS_NPM to the npm binary, ' +
        'or set LUMOS_MASTRA_HOME to a folder where `npm install @mastra/core zod tsx` was already run.',
    );
  }
  if (proc.error || proc.status !== 0) {
    const detail = (proc.stderr || String(proc.error || '')).trim().split('\n').slice(-25).join('\n');
    throw new HarnessError(
      EXIT.installFailed,
      `\`npm ${args.join(' ')}\` failed in ${home} (exit ${proc.status}):\n${detail}\n` +
        'Check the network and registry settings (.npmrc), or install the packages there yourself.',
    );
  }
}

/**
 * Make sure `home/node_modules` holds @mastra/core (at `coreVersion` unless `asIs`), zod, tsx,
 * every package the project imports, and the `extra` packages a caller needs itself (the MCP
 * bridge needs @mastra/mcp). Returns the installed @mastra/core version.
 */
export function ensureCache({ home, coreVersion, project, asIs, log, extra = [] }) {
  fs.mkdirSync(home, { recursive: true });
  const pkgJson = path.join(home, 'package.json');
  if (!fs.existsSync(pkgJson)) {
    fs.writeFileSync(
      pkgJson,
      `${JSON.stringify({ name: 'lumos-mastra-cache', private: true, description: 'npm cache of lumos-migrate verify' }, null, 2)}\n`,
    );
  }
  const ranges = projectRanges(project);
  const wanted = ['@mastra/core', 'zod', 'tsx', ...extra, ...importedPackages(project)];
  const missing = () =>
    [...new Set(wanted)].filter((name) => {
      const version = installedVersion(home, name);
      if (version === null) return true;
      return name === '@mastra/core' && !asIs && version !== coreVersion;
    });
  if (missing().length) {
    withLock(home, log, () => {
      const now = missing();
      if (now.length) npmInstall(home, now.map((name) => specFor(name, coreVersion, ranges)), log);
    });
  }
  const still = [...new Set(wanted)].filter((name) => installedVersion(home, name) === null);
  if (['@mastra/core', 'tsx', 'zod', ...extra].some((name) => still.includes(name))) {
    throw new HarnessError(
      EXIT.installFailed,
      `${home}/node_modules still lacks ${still.join(', ')} after installing; install them there with npm`,
    );
  }
  if (still.length) log(`note: not installable, the project may fail to load: ${still.join(', ')}`);
  return installedVersion(home, '@mastra/core');
}
