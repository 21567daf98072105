// Accessibility checks that run in the page: WCAG 2.x AA contrast of the text a person reads.
import type { Page } from 'playwright-core';

/** WCAG 2.x contrast of every visible text element against its effective background. */
export async function contrastFailures(page: Page, rootSelector = 'main'): Promise<string[]> {
  return page.evaluate((rootSel) => {
    const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => { const x = v / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const failures: string[] = [];
    const root = document.querySelector(rootSel) ?? document.body;
    for (const el of root.querySelectorAll('*')) {
      if (el.closest('.maplibregl-map, svg')) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim());
      if (!own) continue;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || el.closest('.sr-only')) continue;
      const fg = parse(style.color).slice(0, 3);
      const bg = background(el);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${el.tagName}.${el.className} "${el.textContent!.trim().slice(0, 20)}" ${ratio.toFixed(2)}`);
    }
    return failures;
  }, rootSelector);
}
