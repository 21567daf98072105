// Global setup of the mutation run (stryker.config.mjs → vitest.mutation.config.ts): the embedded
// template as for `npm test`, and the ways the service serves, read from it once with the service's own
// loadWalkingWays and written to a file the walking-core tests read (tests/network/hexiNetwork.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../server/config.ts';
import { openDatabase } from '../../server/db/engine.ts';
import { loadWalkingWays } from '../../server/network/repository.ts';
import { inputsHash, prepareEmbeddedTemplate } from '../globalSetup.ts';

export default async function setup(project: TestProject): Promise<void> {
  // Stryker runs in a copy of the project (.cache left out); the caches stay in the worktree's .cache.
  const cacheRoot = process.env.HEXI_MUTATION_CACHE ?? path.join(PROJECT_ROOT, '.cache');
  const hash = inputsHash();
  const templateDir = await prepareEmbeddedTemplate(hash, cacheRoot);
  project.provide('embeddedTemplateDir', templateDir);
  project.provide('template', { engine: 'embedded', dir: templateDir });
  const waysFile = path.join(cacheRoot, 'mutation', `served-ways-${hash}.json`);
  if (!fs.existsSync(waysFile)) {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-mutation-db-'));
    fs.cpSync(templateDir, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'service.lock'), { force: true });
    const handle = await openDatabase({ dataDir: copy });
    try {
      const ways = await loadWalkingWays(handle.db);
      fs.mkdirSync(path.dirname(waysFile), { recursive: true });
      fs.writeFileSync(`${waysFile}.tmp`, JSON.stringify(ways));
      fs.renameSync(`${waysFile}.tmp`, waysFile);
    } finally {
      await handle.close();
      fs.rmSync(copy, { recursive: true, force: true });
    }
  }
  project.provide('servedWaysFile', waysFile);
}
