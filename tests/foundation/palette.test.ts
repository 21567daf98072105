// One colour and one speed, read from the data files, found on all three faces of the product: the map
// style the live maps load, the JSON the phone page draws from, and the printed board. And the pages'
// style sheets take the palette's fonts and colours as custom properties, spelling none of them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helper.ts';
import { ensureWebBuilt } from '../browser/harness.ts';
import { FALLBACK_RING, FONT_STACK, FONT_STACK_CSS, paletteCustomProperties, RING_COLORS, ringColor, STREET_COLORS, textColorOn } from '../../server/palette.ts';
import { PROJECT_ROOT } from '../../server/config.ts';

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

describe('the pages\' style sheets read the palette', () => {
  const cssFiles = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? cssFiles(full) : e.name.endsWith('.css') ? [full] : [];
  });
  /** #rgb → #rrggbb, lower case. */
  const longHex = (hex: string) => (hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex).toLowerCase();

  it('no page style sheet spells a font of the stack or a ring or street colour', () => {
    const sheets = cssFiles(path.join(PROJECT_ROOT, 'web', 'src'));
    expect(sheets.length).toBeGreaterThanOrEqual(5);
    // Neutral greys, white and black (the fallback ring, a street fill, the text on a colour) are also the
    // pages' own paper and ink shades: the palette owns its hues.
    const grey = (hex: string) => hex.slice(1, 3) === hex.slice(3, 5) && hex.slice(3, 5) === hex.slice(5, 7);
    const owned = new Set([...Object.values(RING_COLORS), FALLBACK_RING].flatMap((c) => [c.fill, c.line])
      .concat(Object.values(STREET_COLORS).flatMap((c) => [c.fill, c.casing])).map(longHex).filter((c) => !grey(c)));
    expect(owned.size).toBeGreaterThan(20);
    expect(owned.has(longHex(ringColor(15).line))).toBe(true);
    const found: string[] = [];
    for (const file of sheets) {
      const css = fs.readFileSync(file, 'utf8');
      for (const hex of css.match(/#[0-9a-f]{6}\b|#[0-9a-f]{3}\b/gi) ?? []) if (owned.has(longHex(hex))) found.push(`${path.basename(file)}: ${hex}`);
      for (const font of FONT_STACK.filter((f) => f !== 'sans-serif')) if (css.includes(font)) found.push(`${path.basename(file)}: ${font}`);
    }
    expect(found).toEqual([]);
    for (const page of ['mobile/mobile.css', 'resident/resident.css', 'admin/admin.css']) {
      expect(fs.readFileSync(path.join(PROJECT_ROOT, 'web', 'src', page), 'utf8'), page).toContain('var(--font-body)');
    }
  });

  it('the built pages set the font stack and the ring colours on :root from palette.ts', async () => {
    expect(paletteCustomProperties()['--font-body']).toBe(FONT_STACK_CSS);
    await ensureWebBuilt();
    const dist = path.join(PROJECT_ROOT, 'web', 'dist');
    const html = fs.readFileSync(path.join(dist, 'm.html'), 'utf8');
    const sheets = [...html.matchAll(/<link rel="stylesheet"[^>]*href="\/([^"]+\.css)"/g)].map((m) => fs.readFileSync(path.join(dist, m[1]), 'utf8'));
    expect(sheets.length).toBeGreaterThan(0);
    const root = sheets.join('\n').match(/:root\s*\{[^}]*--font-body:[^}]*\}/)?.[0];
    expect(root, 'a :root rule with --font-body on the phone page').toBeDefined();
    const unquote = (v: string) => v.replace(/["']/g, '').replace(/\s*,\s*/g, ',').trim();
    expect(unquote(root!.match(/--font-body:([^;}]*)/)![1])).toBe(unquote(FONT_STACK_CSS));
    for (const minutes of [5, 10, 15]) {
      expect(longHex(root!.match(new RegExp(`--ring-${minutes}-line:\\s*(#[0-9a-f]+)`, 'i'))![1])).toBe(ringColor(minutes).line);
    }
  }, 240_000);
});
