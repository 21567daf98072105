// Checks the server's import layers in about a second (a regex over import lines, no compiler run):
// no file-level import circle, no folder-level circle between domains, no import from the base
// (records/, http/, db/ and the top-level modules) up into a domain, and no route file importing another.
// And for the pages: web/ takes the server's API types with `import type` only (erased by the build), and
// runs server code only from the few pure modules both sides share (colours, field rules, placement).
// And route files stay thin: no query builder call and no sql`…` template in a *Routes.ts / routes.ts file
// under server/ (the SQL lives in the folder's repository).
// Usage: npx tsx scripts/ci/check-imports.ts   (exits 1 and lists every problem)
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const serverDir = path.join(root, 'server');

/** The layer below the domains: what every domain may import, and what imports no domain. */
const BASE = new Set(['records', 'http', 'db', 'config.ts', 'events.ts', 'catalog.ts', 'geo.ts', 'wallClock.ts', 'hoursPlace.ts']);
/** The composition roots: they import everything and nothing imports them. */
const ROOTS = new Set(['app.ts', 'main.ts']);

// import x from '…', import type …, export … from '…', import('…'), a worker's new URL('…', import.meta.url).
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/gm;

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const rel = (file: string) => path.relative(serverDir, file).split(path.sep).join('/');
/** A file's unit: its folder under server/, or the file itself at the top. */
const unitOf = (file: string) => rel(file).split('/')[0];
const isRouteFile = (file: string) => /(^|\/)([a-z]+Routes|routes)\.ts$/.test(rel(file));

export function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of listFiles(serverDir)) {
    const targets = new Set<string>();
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const target = path.resolve(path.dirname(file), match[1]);
      if (target.startsWith(serverDir + path.sep) && target.endsWith('.ts')) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one member (or a self-loop): every circle. */
function circles<T>(nodes: Iterable<T>, next: (n: T) => Iterable<T>): T[][] {
  let index = 0;
  const indexOf = new Map<T, number>(), low = new Map<T, number>(), onStack = new Set<T>(), stack: T[] = [];
  const found: T[][] = [];
  const visit = (n: T) => {
    indexOf.set(n, index); low.set(n, index); index++;
    stack.push(n); onStack.add(n);
    for (const m of next(n)) {
      if (!indexOf.has(m)) { visit(m); low.set(n, Math.min(low.get(n)!, low.get(m)!)); }
      else if (onStack.has(m)) low.set(n, Math.min(low.get(n)!, indexOf.get(m)!));
    }
    if (low.get(n) === indexOf.get(n)) {
      const component: T[] = [];
      let m: T;
      do { m = stack.pop()!; onStack.delete(m); component.push(m); } while (m !== n);
      if (component.length > 1 || [...next(n)].includes(n)) found.push(component);
    }
  };
  for (const n of nodes) if (!indexOf.has(n)) visit(n);
  return found;
}

export function importProblems(graph = importGraph()): string[] {
  const problems: string[] = [];
  for (const circle of circles(graph.keys(), (f) => graph.get(f) ?? [])) {
    problems.push(`file circle: ${circle.map(rel).sort().join(' ↔ ')}`);
  }
  const units = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    if (!units.has(from)) units.set(from, new Set());
    for (const target of targets) {
      const to = unitOf(target);
      if (to === from) continue;
      units.get(from)!.add(to);
      if (BASE.has(from) && !BASE.has(to)) problems.push(`upward import: ${rel(file)} (base) → ${rel(target)} (domain ${to})`);
      if (ROOTS.has(to) && !ROOTS.has(from)) problems.push(`import of a composition root: ${rel(file)} → ${rel(target)}`);
    }
    for (const target of targets) {
      if (isRouteFile(file) && isRouteFile(target)) problems.push(`route file imports a route file: ${rel(file)} → ${rel(target)}`);
    }
  }
  for (const circle of circles(units.keys(), (u) => units.get(u) ?? [])) {
    problems.push(`folder circle: ${circle.sort().join(' ↔ ')}`);
  }
  return problems;
}

const webDir = path.join(root, 'web', 'src');

/**
 * The server modules the pages run as well (pure: no Node, no database), so that a colour, a field rule
 * or the placement check has one source. Their own relative imports must stay inside this set.
 */
export const BROWSER_SHARED = new Set(['palette.ts', 'geo.ts', 'wallClock.ts', 'hoursPlace.ts', 'records/validation.ts', 'records/placement.ts', 'network/packedRings.ts']);

// A whole import/export statement with a specifier (it may span lines), or a dynamic import().
const STATEMENT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/gm;

/** Every relative import of `file` with whether the whole statement is type-only (`import type`/`export type`). */
function importsOf(file: string): { target: string; typeOnly: boolean }[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: { target: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(STATEMENT)) {
    const specifier = m[3] ?? m[4];
    if (!specifier.startsWith('.')) continue;
    out.push({ target: path.resolve(path.dirname(file), specifier), typeOnly: m[2] !== undefined });
  }
  return out;
}

/** Every import of server code by the pages: the importing file, the server file, and whether it is type-only. */
export function webServerImports(files = listFiles(webDir)): { file: string; target: string; typeOnly: boolean }[] {
  return files.flatMap((file) => importsOf(file).filter((i) => i.target.startsWith(serverDir + path.sep)).map((i) => ({ file, ...i })));
}

/**
 * Problems with the pages' imports of server code: a value import (not `import type`) of a server module
 * outside BROWSER_SHARED, and a shared module that imports server code outside the set.
 */
export function webImportProblems(files = listFiles(webDir)): string[] {
  const problems: string[] = [];
  for (const { file, target, typeOnly } of webServerImports(files)) {
    if (!typeOnly && !BROWSER_SHARED.has(rel(target))) {
      problems.push(`web value import of server code: ${path.relative(root, file).split(path.sep).join('/')} → server/${rel(target)} (use import type)`);
    }
  }
  for (const shared of BROWSER_SHARED) {
    for (const { target, typeOnly } of importsOf(path.join(serverDir, shared))) {
      if (typeOnly || !target.startsWith(serverDir + path.sep)) continue;
      if (!BROWSER_SHARED.has(rel(target))) problems.push(`browser-shared server/${shared} imports server/${rel(target)}, which the pages must not run`);
    }
  }
  return problems;
}

// A Kysely query started in place (db.selectFrom(…), trx.updateTable(…) …), a raw sql`…` or sql<T>`…`
// template, or a sql.ref/raw/lit/… helper.
const ROUTE_SQL = /\b(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)\s*\(|\bsql\s*(?:<[^`]*?>)?\s*`|\bsql\.\w+\s*\(/g;

/** The route files under server/ (*Routes.ts and routes.ts). */
export function routeFiles(): string[] { return listFiles(serverDir).filter(isRouteFile); }

/**
 * SQL written in a route file, one problem per occurrence with its line: a route validates, checks access
 * and calls a service or a repository function, which holds the query.
 */
export function routeSqlProblems(files = routeFiles()): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(ROUTE_SQL)) {
      const line = text.slice(0, m.index).split('\n').length;
      const what = m[1] ?? (m[0].endsWith('`') ? 'sql`…` template' : m[0].replace(/\s*\($/, ''));
      problems.push(`SQL in a route file: ${path.relative(root, file).split(path.sep).join('/')}:${line} ${what} (move the query to the folder's repository)`);
    }
  }
  return problems;
}

/** The page sources under web/src (TypeScript). */
export function webFiles(): string[] { return listFiles(webDir); }

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const graph = importGraph();
  const problems = [...importProblems(graph), ...webImportProblems(), ...routeSqlProblems()];
  for (const p of problems) console.error(p);
  console.log(`${graph.size} server files, ${[...graph.values()].reduce((n, t) => n + t.size, 0)} imports: ${problems.length ? `${problems.length} problems` : 'no circles, no upward imports, no SQL in route files'}`);
  process.exit(problems.length ? 1 : 0);
}
