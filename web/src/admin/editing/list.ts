// The record list of an editing tab: a table with one selectable row per record (keyboard too), closed
// rows struck through, sample rows badged. Cells are text only.
import { clear, h, type Child } from '../../common/dom.ts';

export interface ListColumn<T> { label: string; cell: (row: T) => Child | Child[] }

export class RecordList<T extends { id: number }> {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly footer: HTMLElement;
  private selected: number | null = null;

  constructor(private readonly columns: ListColumn<T>[], private readonly onSelect: (row: T) => void, private readonly emptyText: string) {
    this.body = h('tbody');
    this.footer = h('div', { class: 'list-footer', role: 'status' });
    this.element = h('div', { class: 'record-list' },
      h('table', null, h('thead', null, h('tr', null, ...columns.map((c) => h('th', { scope: 'col' }, c.label)))), this.body),
      this.footer);
  }

  show(rows: T[], footer: string, isClosed: (row: T) => boolean): void {
    clear(this.body);
    if (!rows.length) this.body.append(h('tr', null, h('td', { colspan: String(this.columns.length) }, this.emptyText)));
    for (const row of rows) {
      const tr = h('tr', {
        tabindex: '0', 'data-id': String(row.id), 'aria-selected': String(row.id === this.selected),
        class: isClosed(row) ? 'closed' : undefined,
      }, ...this.columns.map((c) => {
        const content = c.cell(row);
        return h('td', null, ...(Array.isArray(content) ? content : [content]));
      }));
      tr.addEventListener('click', () => this.onSelect(row));
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.onSelect(row); } });
      this.body.append(tr);
    }
    this.footer.textContent = footer;
  }

  select(id: number | null): void {
    this.selected = id;
    for (const tr of this.body.querySelectorAll('tr[data-id]')) {
      const on = tr.getAttribute('data-id') === String(id);
      tr.setAttribute('aria-selected', String(on));
      if (on) (tr as HTMLElement).scrollIntoView({ block: 'nearest' });
    }
  }
}
