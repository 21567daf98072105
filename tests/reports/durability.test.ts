// A resident's acknowledged report survives SIGKILL of the server, as edits do: residents keep sending
// reports to a real service process, it is killed mid-stream, and after a restart every receipt code the
// service had answered is there, with its receipt page.
import { afterAll, describe, expect, it } from 'vitest';
import { call, copyTestData, sleep, startService, waitFor, type ServiceProcess } from '../reliability/processes.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

describe('residents\' reports and SIGKILL', () => {
  it('keeps every acknowledged report after the server is killed and restarted', async () => {
    const data = await copyTestData();
    cleanups.push(() => data.drop());
    const start = async (): Promise<ServiceProcess> => {
      const service = await startService(data);
      cleanups.push(() => service.kill('SIGKILL'));
      return service;
    };
    let service = await start();
    const acknowledged: string[] = [];
    let stop = false;
    // Six residents' phones, each sending reports about places around 津港路 as fast as the service answers
    // (below the per-device and per-address limits): each phone's places lie about 95 m apart eastwards, so
    // none is merged as a repeat, and all inside the district (north-west of 39.106 the district ends).
    const residents = Array.from({ length: 6 }, async (_, r) => {
      const token = await call(service.base, null, 'GET', `/api/reports/token?device=sigkill-device-${r}-${process.pid}-xxxxxxxx`);
      if (token.status !== 200) throw new Error(`token: ${token.status}`);
      for (let n = 0; n < 8 && !stop; n++) {
        const res = await call(service.base, null, 'POST', '/api/reports', {
          token: token.body.token, kind: 'other', lon: 117.1960 + n * 0.0011, lat: 39.1000 + r * 0.0009, text: `断电测试 ${r}-${n}`,
        }).catch(() => null);
        if (!res) return; // the process is gone
        if (res.status !== 201) throw new Error(`report refused: ${res.status} ${JSON.stringify(res.body)}`);
        acknowledged.push(res.body.code);
      }
    });
    await waitFor('a few acknowledged reports', async () => (acknowledged.length >= 10 ? true : undefined), 60_000);
    await service.kill('SIGKILL');
    stop = true;
    await Promise.all(residents);
    const sentBeforeKill = acknowledged.length;
    expect(sentBeforeKill).toBeGreaterThanOrEqual(10);

    service = await start();
    let found = 0;
    for (const code of acknowledged) {
      const receipt = await call(service.base, null, 'GET', `/api/reports/${code}`);
      expect(receipt.status, `report ${code}`).toBe(200);
      expect(receipt.body.status).toBe('new');
      found++;
    }
    expect(found).toBe(sentBeforeKill);
    const page = await fetch(`${service.base}/r/${acknowledged[0]}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(acknowledged[0]);
    console.log(`${sentBeforeKill} reports acknowledged before SIGKILL; all ${found} there after the restart`);
    await sleep(10);
    await service.kill('SIGTERM');
  }, 400_000);
});
