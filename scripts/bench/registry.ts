// The benchmark's section registry. Each `scripts/bench/*.bench.ts` file registers one or more
// sections; `npm run bench [name…]` runs them in order and prints their figures (never asserts).
// To add a section (boards, coverage…), create `scripts/bench/<topic>.bench.ts` calling
// `registerBenchSection`; the shared context (context.ts) offers the Hexi engine, a database, timing.

import type { BenchContext } from './context.ts';

export interface BenchSection {
  /** Short id used on the command line: `npm run bench -- reach http`. */
  name: string;
  title: string;
  /** Sections run in increasing order (walking engine: 10–90). */
  order: number;
  run(ctx: BenchContext): Promise<void>;
}

const sections = new Map<string, BenchSection>();

export function registerBenchSection(section: BenchSection): void {
  if (sections.has(section.name)) throw new Error(`bench section "${section.name}" registered twice`);
  sections.set(section.name, section);
}

export function benchSections(): BenchSection[] {
  return [...sections.values()].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}
