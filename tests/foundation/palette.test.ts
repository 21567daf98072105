// One colour and one speed, read from the data files, found on all three faces of the product: the map
// style the live maps load, the JSON the phone page draws from, and the printed board.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helper.ts';
import { ringColor, textColorOn } from '../../server/palette.ts';

process.env.MAX_EVENT_LOOP_DELAY_MS = '0'; // the board is drawn in this process (see tests/boards/boards.test.ts)

const readData = (file: string) => JSON.parse(fs.readFileSync(new URL(`../../data/${file}`, import.meta.url), 'utf8'));
const categories = readData('categories.json').categories as { id: string; color: string }[];
const profiles = readData('profiles.json').profiles as { id: string; speed_mps: number }[];
const elderCare = categories.find((c) => c.id === 'elder_care')!;
const elderly = profiles.find((p) => p.id === 'elderly')!;

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t?.close(); });

describe('one colour table and one speed for map, phone and board', () => {
  it('the data has the colour and the speed this test follows', () => {
    expect(elderCare.color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(elderly.speed_mps).toBeGreaterThan(0);
  });

  it('the map style carries the category colour, its text colour, the ring colours and the speed', async () => {
    const res = await t.app.inject({ url: '/style.json' });
    expect(res.statusCode).toBe(200);
    const meta = res.json().metadata;
    expect(meta['svc:categories'].elder_care).toEqual({ color: elderCare.color, text: textColorOn(elderCare.color) });
    expect(meta['svc:profiles'].elderly.speed_mps).toBe(elderly.speed_mps);
    expect(meta['svc:rings'][15].line).toBe(ringColor(15).line);
  });

  it('the phone page draws from the same colour and speed', async () => {
    const res = await t.app.inject({ url: '/api/categories' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.categories.find((c: { id: string }) => c.id === 'elder_care').color).toBe(elderCare.color);
    expect(body.profiles.find((p: { id: string }) => p.id === 'elderly').speed_mps).toBe(elderly.speed_mps);
  });

  it('the board prints the category colour, the ring colours of the phone page and the speed', async () => {
    const sites = await t.app.inject({ url: '/api/sites?street=120103003000&kind=service_center' });
    const site = sites.json().features[0].id as number;
    const res = await t.app.inject({ url: `/api/boards/${site}.svg?size=A4&profile=elderly` });
    expect(res.statusCode).toBe(200);
    const svg = res.body;
    expect(svg).toContain(`fill="${elderCare.color}"`);
    expect(svg).toContain(`每秒${elderly.speed_mps}米`);
    for (const minutes of [5, 10, 15]) expect(svg, `${minutes}-minute ring`).toContain(`stroke="${ringColor(minutes).line}"`);
  }, 240_000);
});
