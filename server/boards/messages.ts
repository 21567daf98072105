// The words printed on a board, per language (Chinese by default, English on request).
export type BoardLang = 'zh' | 'en';

export const BOARD_MESSAGES = {
  zh: {
    circle: '15分钟综合服务圈',
    youAreHere: '您在这里',
    minutes: (m: number) => `${m}分钟`,
    walkMinutes: (m: number) => `${m}分钟`,
    ringKeyTitle: '步行范围',
    ringNote: (profile: string, speed: number, when: string) => `按「${profile}」每秒${speed}米，沿实际道路步行（${when}）`,
    categoryKeyTitle: '服务类别',
    legendTitle: '15分钟内的服务点',
    headers: ['序号', '名称', '类别', '步行', '地址', '电话', '开放时间'],
    none: '—',
    limitNote: (n: number) => `每类最多列出步行最近的 ${n} 处`,
    omitted: (cat: string, n: number) => `${cat}另有 ${n} 处未列出`,
    qrCaption: '扫码查看手机版',
    qrCaption2: '随时更新 · 步行路线',
    dataDate: (d: string) => `数据日期 ${d}`,
    version: (v: string) => `内容版本 ${v}`,
    attribution: '道路数据 © OpenStreetMap contributors, ODbL 1.0',
    sample: '示例数据',
    sampleBanner: '示例数据 · 仅供演示，并非真实信息',
    emptyLegend: '15分钟步行范围内暂无已登记的服务点',
    north: '北',
    metres: (m: number) => (m >= 1000 ? `${m / 1000}公里` : `${m}米`),
    subtitleGate: (gate: string) => `${gate}`,
  },
  en: {
    circle: '15-minute service circle',
    youAreHere: 'You are here',
    minutes: (m: number) => `${m} min`,
    walkMinutes: (m: number) => `${m} min`,
    ringKeyTitle: 'Walking time',
    ringNote: (profile: string, speed: number, when: string) => `${profile}, ${speed} m/s along the real streets (${when})`,
    categoryKeyTitle: 'Categories',
    legendTitle: 'Services within a 15-minute walk',
    headers: ['No.', 'Name', 'Category', 'Walk', 'Address', 'Phone', 'Opening hours'],
    none: '—',
    limitNote: (n: number) => `At most the ${n} nearest of each category are listed`,
    omitted: (cat: string, n: number) => `${cat}: ${n} more not listed`,
    qrCaption: 'Scan for the mobile page',
    qrCaption2: 'always current · walking routes',
    dataDate: (d: string) => `Data as of ${d}`,
    version: (v: string) => `Content version ${v}`,
    attribution: 'Streets © OpenStreetMap contributors, ODbL 1.0',
    sample: 'SAMPLE DATA',
    sampleBanner: 'Sample data · for demonstration, not real information',
    emptyLegend: 'No registered service point within a 15-minute walk yet',
    north: 'N',
    metres: (m: number) => (m >= 1000 ? `${m / 1000} km` : `${m} m`),
    subtitleGate: (gate: string) => `${gate}`,
  },
};

export type BoardMessages = typeof BOARD_MESSAGES.zh;

/** The board prints opening hours with the phone page's own formatter: one text for one value. */
export { formatOpeningHours } from '../../web/src/common/hours.ts';
