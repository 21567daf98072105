// Strings of a mobile service desk visit as residents read it, shared by the resident map and the phone
// page (web/src/common/deskVisits.ts), one table per language.
const zh = {
  deskTitle: '流动办公桌',
  sample: '示例',
  deskDate: (month: number, day: number, weekdayZh: string, _weekday: number) => `${month}月${day}日（${weekdayZh}）`,
  deskToday: '今天',
  deskTomorrow: '明天',
  deskWalk: (min: number) => `步行约 ${min} 分钟`,
  deskHere: '就在本站点',
  deskServices: (names: string[]) => `可办：${names.join('、')}`,
  deskCancelled: '已取消',
  deskCancelReason: (reason: string) => `取消原因：${reason}`,
  deskRecurring: (rule: string) => `固定安排：${rule}`,
  deskMore: (n: number) => `再显示 ${n} 次`,
  deskStreetCalendar: (street: string) => `把${street}流动办公桌加到手机日历`,
  deskSiteCalendar: '把本站点附近的流动办公桌加到手机日历',
};

const en: { [K in keyof typeof zh]: typeof zh[K] } = {
  deskTitle: 'Mobile service desk',
  sample: 'Sample',
  deskDate: (month: number, day: number, _weekdayZh: string, weekday: number) =>
    `${['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][weekday]} ${day} ${['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][month]}`,
  deskToday: 'Today',
  deskTomorrow: 'Tomorrow',
  deskWalk: (min: number) => `about ${min} min walk`,
  deskHere: 'At this site',
  deskServices: (names: string[]) => `Services: ${names.join(', ')}`,
  deskCancelled: 'Cancelled',
  deskCancelReason: (reason: string) => `Reason: ${reason}`,
  deskRecurring: (rule: string) => `Regular: ${rule}`,
  deskMore: (n: number) => `Show ${n} more`,
  deskStreetCalendar: (street: string) => `Add the mobile desks of ${street} to your phone calendar`,
  deskSiteCalendar: 'Add the mobile desks near this site to your phone calendar',
};

export const messages = { zh, en };
