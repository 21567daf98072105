// The resident map's "what can be reached from here" layer: the 15-minute surface as our own vector tiles
// (/api/checkup/tiles, public like the basemap), each street piece coloured by how many of the 10 service
// categories lie within their target walk, with a legend. Off until the resident switches it on.
import type { Map as MapLibreMap } from 'maplibre-gl';

/** The same red-to-green table as the admin panel and the printed report. */
const SCORE_COLORS = ['#67000d', '#a50f15', '#cb181d', '#ef3b2c', '#fb6a4a', '#fdae6b', '#fed976', '#c7e9b4', '#7fcdbb', '#41ae76', '#006d2c'];

export function scoreLayer(getMap: () => MapLibreMap | null, getProfile: () => string, text: { toggle: string; legend: string }) {
  let on = false;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'btn score-toggle';
  button.setAttribute('aria-pressed', 'false');
  button.textContent = text.toggle;
  const legend = document.createElement('div');
  legend.className = 'score-legend';
  legend.hidden = true;
  const caption = document.createElement('p');
  caption.textContent = text.legend;
  const ramp = document.createElement('div');
  ramp.style.cssText = 'display:flex;gap:0;margin-top:4px';
  SCORE_COLORS.forEach((c, i) => {
    const s = document.createElement('span');
    s.textContent = String(i);
    s.style.cssText = `flex:1;text-align:center;font-size:14px;padding:2px 0;background:${c};color:${i <= 4 || i >= 9 ? '#fff' : '#000'}`;
    ramp.append(s);
  });
  legend.append(caption, ramp);

  function update(): void {
    const m = getMap();
    if (!m) return;
    if (m.getLayer('score-layer')) m.removeLayer('score-layer');
    if (m.getSource('score')) m.removeSource('score');
    legend.hidden = !on;
    if (!on) return;
    m.addSource('score', { type: 'vector', tiles: [`${location.origin}/api/checkup/tiles/${getProfile()}/{z}/{x}/{y}.pbf`], minzoom: 10, maxzoom: 16 });
    const firstSymbol = m.getStyle().layers?.find((l) => l.type === 'symbol')?.id;
    m.addLayer({
      id: 'score-layer', type: 'line', source: 'score', 'source-layer': 'checkup',
      paint: { 'line-color': ['match', ['get', 'score'], ...SCORE_COLORS.flatMap((c, i) => [i, c]), '#999999'] as never, 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 2, 16, 6], 'line-opacity': 0.85 },
    }, firstSymbol);
  }

  button.addEventListener('click', () => { on = !on; button.setAttribute('aria-pressed', String(on)); button.classList.toggle('primary', on); update(); });
  /** New words for the button and the legend (the page switched language); the layer stays as it is. */
  function setText(next: { toggle: string; legend: string }): void {
    button.textContent = next.toggle;
    caption.textContent = next.legend;
  }
  return { button, legend, update, setText };
}
