// The boundaries tab (district admin): which street areas are official and which approximate, and the
// import of official boundaries (GeoJSON with the division codes), which replaces the approximate areas
// of those codes. The editing maps show the areas; the forms check positions against them.
import { translator } from '../../lang.ts';
import { ApiError } from '../api.ts';
import type { AdminContext } from '../context.ts';
import { clear, h } from '../../common/dom.ts';
import { formatTime } from '../../common/format.ts';
import { crsOptions, forgetAreas, labelled, selectControl } from '../editing/shared.ts';
import { editingMessages } from '../editing/messages.ts';
import type { Static } from 'typebox';
import type { AreaCollection as AreaCollectionSchema } from '../../../../server/areas/schemas.ts';

const zh = {
  title: '街道与社区边界',
  intro: '记录的位置须在其街道（及所选社区）范围内。尚未导入正式边界时，系统由各社区位置推算近似边界（泰森多边形，按{district}范围裁剪）：超出近似边界时编辑须核实确认；导入正式边界后，超出即不能保存。允许误差：',
  colStreet: '街道', colSource: '边界来源', colWhen: '时间', colNote: '说明',
  official: '正式边界', approximate: '近似边界',
  importTitle: '导入正式边界',
  importHelp: (example: string) => `上传 GeoJSON（FeatureCollection），每个面要素的属性中带 12 位区划代码（街道或社区），例如 {"code": "${example}"}。所有要素都通过检查才会写入；同一代码的原有边界被替换，并记入修改记录。`,
  file: 'GeoJSON 文件', codeProperty: '代码所在属性（可不填）', codePropertyHint: '默认依次查找 code、division_code、admin_code、adcode、xzqdm',
  crs: '坐标系', note: '来源说明', notePlaceholder: '例如：区民政局 2026 年区划图',
  submit: '导入', importing: '正在导入…', notJson: '文件不是有效的 JSON', chooseFile: '请先选择文件',
  done: (n: number, codes: string) => `已导入 ${n} 个正式边界：${codes}`,
  metres: (m: number) => `${m} 米`,
};
const en: { [K in keyof typeof zh]: (typeof zh)[K] } = {
  title: 'Street and community boundaries',
  intro: 'A record must lie inside its street (and its chosen community). Until official boundaries are imported, approximate ones are derived from the community locations (Voronoi cells clipped to {district}): outside them an editor must confirm; outside an official boundary a record cannot be saved. Tolerance:',
  colStreet: 'Street', colSource: 'Boundary', colWhen: 'When', colNote: 'Note',
  official: 'official', approximate: 'approximate',
  importTitle: 'Import official boundaries',
  importHelp: (example: string) => `Upload GeoJSON (a FeatureCollection) whose polygon features carry the 12-digit division code (street or community) in a property, e.g. {"code": "${example}"}. Nothing is written unless every feature passes; the areas of those codes are replaced, and the import is audited.`,
  file: 'GeoJSON file', codeProperty: 'Property holding the code (optional)', codePropertyHint: 'by default code, division_code, admin_code, adcode, xzqdm are tried',
  crs: 'Coordinate system', note: 'Source', notePlaceholder: 'e.g. district civil affairs bureau, 2026 map',
  submit: 'Import', importing: 'Importing…', notJson: 'The file is not valid JSON', chooseFile: 'Choose a file first',
  done: (n: number, codes: string) => `Imported ${n} official boundaries: ${codes}`,
  metres: (m: number) => `${m} m`,
};

/** The areas as GET /api/areas answers them (the server's schema). */
type AreaCollection = Static<typeof AreaCollectionSchema>;
type AreaProps = AreaCollection['features'][number]['properties'];

export function mount(container: HTMLElement, ctx: AdminContext): void {
  const t = translator({ zh, en }, ctx.lang);
  const intro = h('p', { class: 'meta' }, t('intro'));
  const table = h('div', { class: 'areas-table' });
  const file = h('input', { type: 'file', name: 'file', accept: '.geojson,.json,application/geo+json,application/json' });
  const codeProperty = h('input', { type: 'text', name: 'code_property', maxlength: '40', autocomplete: 'off' });
  const crs = selectControl('crs', t('crs'), crsOptions(translator(editingMessages, ctx.lang)), 'WGS84');
  const note = h('input', { type: 'text', name: 'source_note', maxlength: '200', placeholder: t('notePlaceholder') });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('submit'));
  const result = h('p', { class: 'field-error', role: 'alert' });
  const form = h('form', { class: 'area-import' },
    h('h3', null, t('importTitle')), h('p', { class: 'meta' }, t('importHelp', ctx.streets[0]?.code ?? '000000000000')),
    h('div', { class: 'grid' },
      labelled(t('file'), file),
      h('label', null, t('codeProperty'), codeProperty, h('span', { class: 'meta' }, t('codePropertyHint'))),
      labelled(t('crs'), crs), labelled(t('note'), note)),
    h('div', { class: 'actions' }, submit), result);
  container.append(h('h2', null, t('title')), intro, table, form);

  async function load(): Promise<void> {
    try {
      const fc = await ctx.api.get<AreaCollection>('/api/areas?level=street');
      intro.textContent = `${t('intro')} ${t('metres', fc.tolerance_m)}`;
      clear(table);
      table.append(h('table', null,
        h('thead', null, h('tr', null, h('th', null, t('colStreet')), h('th', null, t('colSource')), h('th', null, t('colWhen')), h('th', null, t('colNote')))),
        h('tbody', null, ...fc.features.map(({ properties: p }) => h('tr', { 'data-code': p.code },
          h('td', null, p.name),
          h('td', null, h('span', { class: p.source === 'official' ? 'badge' : 'badge sample' }, t(p.source))),
          h('td', null, formatTime(p.imported_at, ctx.lang)),
          h('td', null, p.source_note ?? ''))))));
    } catch (err) {
      ctx.notify(err instanceof ApiError ? err.text(ctx.lang) : String(err), 'error');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      result.textContent = '';
      const chosen = file.files?.[0];
      if (!chosen) { result.textContent = t('chooseFile'); return; }
      let geojson: unknown;
      try { geojson = JSON.parse(await chosen.text()); } catch { result.textContent = t('notJson'); return; }
      submit.disabled = true;
      submit.textContent = t('importing');
      try {
        const body = { geojson, crs: crs.value, ...(codeProperty.value.trim() ? { code_property: codeProperty.value.trim() } : {}), ...(note.value.trim() ? { source_note: note.value.trim() } : {}) };
        const done = await ctx.api.post<{ imported: number; codes: string[] }>('/api/areas/official', body);
        forgetAreas();
        ctx.notify(t('done', done.imported, done.codes.join('、')), 'success');
        result.textContent = '';
        await load();
      } catch (err) {
        result.textContent = err instanceof ApiError ? err.text(ctx.lang) : String(err);
      } finally {
        submit.disabled = false;
        submit.textContent = t('submit');
      }
    })();
  });
  void load();
}
