// The measurable rules of MIIT's 适老化 guidelines (and WCAG 2.1 A/AA through axe-core), measured in the
// page: smallest main text, smallest line height, smallest touch target, horizontal scrolling, and axe's
// critical and serious violations. Each measure names its worst element, so a table can say where.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Worst { value: number; where: string }
export interface ElderlyMeasures {
  /** Smallest font size (px) of visible text a person reads (not the map's own labels or the screen-reader-only text). */
  mainTextPx: Worst;
  /** Smallest line-height / font-size ratio of that text. */
  lineHeight: Worst;
  /** Smallest side (px) of a visible control: links, buttons, list rows, fields, map controls. */
  touchTargetPx: Worst;
  /** Page wider than the viewport (px of horizontal scroll). */
  horizontalScrollPx: number;
}

export async function measureElderly(page: Page): Promise<ElderlyMeasures> {
  return page.evaluate(() => {
    const name = (e: Element) => {
      const cls = typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).slice(0, 2).join('.')}` : '';
      const id = e.id ? `#${e.id}` : '';
      return `${e.tagName.toLowerCase()}${id}${cls} "${(e.textContent ?? '').trim().slice(0, 18)}"`;
    };
    const visible = (e: Element) => {
      const r = e.getBoundingClientRect();
      const st = getComputedStyle(e);
      return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none' && !e.closest('.sr-only, [hidden]');
    };
    let text = { value: Infinity, where: '' };
    let lh = { value: Infinity, where: '' };
    for (const e of document.body.querySelectorAll('*')) {
      if (e.closest('svg, canvas, script, style, noscript')) continue;
      // The map's own attribution and scale are the map library's small print, not the page's text.
      if (e.closest('.maplibregl-ctrl-attrib, .maplibregl-ctrl-scale')) continue;
      const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim());
      if (!own || !visible(e)) continue;
      const st = getComputedStyle(e);
      const size = parseFloat(st.fontSize);
      if (size < text.value) text = { value: size, where: name(e) };
      const line = st.lineHeight === 'normal' ? 1.2 * size : parseFloat(st.lineHeight);
      const ratio = Math.round((line / size) * 100) / 100;
      // Single-line controls centre their label in a tall box: their line height is not paragraph spacing.
      if (!e.matches('button, select, option, input, summary') && ratio < lh.value) lh = { value: ratio, where: name(e) };
    }
    let target = { value: Infinity, where: '' };
    const controls = document.querySelectorAll('a[href], button, summary, select, input:not([type=hidden]), [role=radio], [role=button], [tabindex="0"]');
    for (const e of controls) {
      if (!visible(e)) continue;
      // An inline link inside a sentence is exempt (WCAG 2.5.8); so is the map canvas, which is the whole map.
      if (e.matches('a') && getComputedStyle(e).display === 'inline' && e.parentElement && (e.parentElement.textContent ?? '').trim() !== (e.textContent ?? '').trim()) continue;
      if (e.matches('canvas, .maplibregl-canvas')) continue;
      const r = e.getBoundingClientRect();
      const side = Math.round(Math.min(r.width, r.height));
      if (side < target.value) target = { value: side, where: name(e) };
    }
    const se = document.scrollingElement!;
    return {
      mainTextPx: text, lineHeight: lh, touchTargetPx: target,
      horizontalScrollPx: Math.max(0, se.scrollWidth - se.clientWidth),
    };
  });
}

export interface AxeViolation { id: string; impact: string; nodes: number; target: string }

/** axe-core's critical and serious violations of the WCAG 2.1 A and AA rules. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ') }));
  });
}
