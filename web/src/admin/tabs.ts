// The tab registry of /admin. To add a tab: write web/src/admin/tabs/<name>.ts exporting
// `mount(container, ctx)` (see context.ts) and add one line here. Tabs load lazily, in this order.
import type { AdminTab } from './context.ts';

export const ADMIN_TABS: AdminTab[] = [
  { id: 'points', title: { zh: '服务点', en: 'Service points' }, load: () => import('./tabs/points.ts') },
  { id: 'desks', title: { zh: '流动办公桌', en: 'Mobile desks' }, load: () => import('./tabs/desks.ts') },
];
