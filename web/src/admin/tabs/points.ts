// Service points tab (being built under issue 5): for now the list of the staff member's points.
import type { AdminContext } from '../context.ts';
import { h } from '../dom.ts';

interface PointList { total: number; features: { properties: { id: number; name: string; category_name_zh: string; is_sample: boolean } }[] }

export async function mount(container: HTMLElement, ctx: AdminContext): Promise<void> {
  const street = ctx.staff.street_code ? `&street=${ctx.staff.street_code}` : '';
  const list = await ctx.api.get<PointList>(`/api/points?status=all&limit=200${street}`);
  container.append(h('p', null, `${list.total}`), h('ul', null, ...list.features.map((f) =>
    h('li', null, `${f.properties.name} · ${f.properties.category_name_zh}${f.properties.is_sample ? ' · 示例' : ''}`))));
}
