// The tab registry of /admin. To add a tab: write web/src/admin/tabs/<name>.ts exporting
// `mount(container, ctx)` (see context.ts) and add one line here. Tabs load lazily, in this order.
import type { AdminTab } from './context.ts';

export const ADMIN_TABS: AdminTab[] = [
  { id: 'points', title: { zh: '服务点', en: 'Service points' }, load: () => import('./tabs/points.ts') },
  { id: 'sites', title: { zh: '展板站点', en: 'Board sites' }, load: () => import('./tabs/sites.ts') },
  { id: 'compounds', title: { zh: '小区与大门', en: 'Compounds & gates' }, load: () => import('./tabs/compounds.ts') },
  { id: 'import', title: { zh: '导入导出', en: 'Import / export' }, load: () => import('./tabs/importExport.ts') },
  { id: 'history', title: { zh: '修改记录', en: 'History' }, load: () => import('./tabs/history.ts') },
  { id: 'desks', title: { zh: '流动办公桌', en: 'Mobile desks' }, load: () => import('./tabs/desks.ts') },
  { id: 'reports', title: { zh: '居民反馈', en: 'Resident reports' }, load: () => import('./tabs/reports.ts') },
  { id: 'network', title: { zh: '路网', en: 'Network' }, load: () => import('./tabs/network.ts') },
  { id: 'coverage', title: { zh: '覆盖分析', en: 'Coverage' }, load: () => import('./tabs/coverage.ts') },
  { id: 'boards', title: { zh: '展板打印', en: 'Board printing' }, load: () => import('./tabs/boards.ts') },
  { id: 'staff', title: { zh: '人员', en: 'Staff' }, roles: ['admin'], load: () => import('./tabs/staff.ts') },
  { id: 'areas', title: { zh: '边界', en: 'Boundaries' }, roles: ['admin'], load: () => import('./tabs/areas.ts') },
];
