// The server's layers hold (and the pages take server code as types only, but for the shared pure modules): the shared write path (server/records/), http/ and db/ import no domain, no
// two files or domain folders import each other in a circle, and no route file imports another or holds SQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_SHARED, importGraph, importProblems, routeFiles, routeSqlProblems, webFiles, webImportProblems, webServerImports,
} from '../../scripts/ci/check-imports.ts';
import { PROJECT_ROOT } from '../../server/config.ts';

describe('server import layers', () => {
  it('has no circles, no upward imports and no route file importing a route file', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect([...graph.values()].reduce((n, targets) => n + targets.size, 0)).toBeGreaterThan(300);
    expect(importProblems(graph)).toEqual([]);
  });

  it('finds a circle and an upward import when there is one', () => {
    const graph = importGraph();
    const file = (rel: string) => [...graph.keys()].find((f) => f.split('\\').join('/').endsWith(`server/${rel}`))!;
    const editing = file('records/editing.ts'), pointRoutes = file('points/routes.ts');
    expect(editing).toBeDefined();
    expect(pointRoutes).toBeDefined();
    graph.get(editing)!.add(pointRoutes);
    graph.get(pointRoutes)!.add(editing);
    const problems = importProblems(graph);
    expect(problems).toContain('upward import: records/editing.ts (base) → points/routes.ts (domain points)');
    expect(problems.some((p) => p.startsWith('file circle:') && p.includes('records/editing.ts') && p.includes('points/routes.ts'))).toBe(true);
  });
});

describe('web imports of server code', () => {
  it('takes API types from the server schemas with import type, and runs only the shared pure modules', () => {
    const imports = webServerImports(webFiles());
    const typeOnly = imports.filter((i) => i.typeOnly).map((i) => path.relative(PROJECT_ROOT, i.target).split(path.sep).join('/'));
    // The resident map's and phone page's answers are the server's schemas (web/src/common/api.ts).
    expect(typeOnly).toEqual(expect.arrayContaining([
      'server/network/schemas.ts', 'server/points/schemas.ts', 'server/desks/schemas.ts', 'server/divisions/schemas.ts', 'server/http/geojson.ts',
    ]));
    const valueTargets = new Set(imports.filter((i) => !i.typeOnly).map((i) => path.relative(PROJECT_ROOT, i.target).split(path.sep).join('/')));
    expect([...valueTargets].sort()).toEqual([...valueTargets].filter((t) => BROWSER_SHARED.has(t.replace(/^server\//, ''))).sort());
    expect(valueTargets.has('server/palette.ts')).toBe(true);
    expect(webImportProblems()).toEqual([]);
  });

  it('finds a value import of server code, also one written over several lines', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-imports-'));
    const server = path.relative(dir, path.join(PROJECT_ROOT, 'server')).split(path.sep).join('/');
    const file = path.join(dir, 'page.ts');
    fs.writeFileSync(file, [
      `import type { ReachResponse } from '${server}/network/schemas.ts';`,
      `import { RING_COLORS } from '${server}/palette.ts';`,
      `import {`, `  loadCatalog,`, `} from '${server}/catalog.ts';`,
      `import { type IdParams, StreetCode } from '${server}/records/schemas.ts';`,
    ].join('\n'));
    try {
      expect(webImportProblems([file])).toEqual([
        `web value import of server code: ${path.relative(PROJECT_ROOT, file).split(path.sep).join('/')} → server/catalog.ts (use import type)`,
        `web value import of server code: ${path.relative(PROJECT_ROOT, file).split(path.sep).join('/')} → server/records/schemas.ts (use import type)`,
      ]);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('thin route files', () => {
  it('holds no query in any route file: the SQL lives in the repositories', () => {
    const files = routeFiles().map((f) => path.relative(PROJECT_ROOT, f).split(path.sep).join('/'));
    expect(files.length).toBeGreaterThan(20);
    expect(files).toEqual(expect.arrayContaining(['server/divisions/routes.ts', 'server/network/correctionRoutes.ts', 'server/desks/staffRoutes.ts']));
    expect(routeSqlProblems()).toEqual([]);
  });

  it('finds a query builder call, a sql template and a sql helper in a route file, with their lines', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'route-sql-'));
    const file = path.join(dir, 'streetRoutes.ts');
    fs.writeFileSync(file, [
      `// Reads streets through the repository.`,
      `const street = await findStreet(app.db, code);`,
      `const row = await app.db.selectFrom('streets').select('code').executeTakeFirst();`,
      `const v = await sql<{ v: string }>\`select postgis_lib_version() as v\`.execute(app.db);`,
      `await trx`, `  .updateTable('staff_users').set({ last_login_at: sql\`now()\` }).where('id', '=', 1).where(sql.ref('id'), '>', 0).execute();`,
    ].join('\n'));
    const shown = path.relative(PROJECT_ROOT, file).split(path.sep).join('/');
    const move = "(move the query to the folder's repository)";
    try {
      expect(routeSqlProblems([file])).toEqual([
        `SQL in a route file: ${shown}:3 selectFrom ${move}`,
        `SQL in a route file: ${shown}:4 sql\`…\` template ${move}`,
        `SQL in a route file: ${shown}:6 updateTable ${move}`,
        `SQL in a route file: ${shown}:6 sql\`…\` template ${move}`,
        `SQL in a route file: ${shown}:6 sql.ref ${move}`,
      ]);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
