// A deterministic random source for tests: a failure names a reproducible case.

/** Park–Miller generator: the same sequence on every run, so a failure names a reproducible case. */
export function seededRandom(seed: number): () => number {
  let s = seed % 2147483647;
  if (s <= 0) s += 2147483646;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}
