// The server's layers hold: the shared write path (server/records/), http/ and db/ import no domain, no
// two files or domain folders import each other in a circle, and no route file imports another.
import { describe, expect, it } from 'vitest';
import { importGraph, importProblems } from '../../scripts/ci/check-imports.ts';

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
