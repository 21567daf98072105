// The page language: Chinese by default, English by a switch. Each area of the UI keeps its strings in
// one message module per language (e.g. web/src/resident/messages.ts exporting { zh, en }); `translator`
// turns such a module into a typed t() function.
export type Lang = 'zh' | 'en';

const STORAGE_KEY = 'svc.lang';

export function currentLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh') return fromUrl;
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch { /* storage may be blocked in some in-app browsers */ }
  return 'zh';
}

export function setLang(lang: Lang): void {
  try { localStorage.setItem(STORAGE_KEY, lang); } catch { /* ignore */ }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** The district's names, put into messages at their {district} placeholder (web/src/common/district.ts sets them). */
const districtNames: Record<Lang, string> = { zh: '本区', en: 'the district' };

export function setDistrictNames(names: Record<Lang, string>): void {
  districtNames.zh = names.zh;
  districtNames.en = names.en;
}

export function districtNameIn(lang: Lang): string {
  return districtNames[lang];
}

/** Messages: a record of strings or functions producing strings. English must cover every Chinese key. */
export type Messages = Record<string, string | ((...args: any[]) => string)>;

/**
 * With a `lang`, a fixed language; without, the page's language at each call (for a page that switches
 * without reloading). `{district}` in a message becomes the district's name in that language.
 */
export function translator<M extends Messages>(modules: { zh: M; en: { [K in keyof M]: M[K] } }, lang?: Lang) {
  return <K extends keyof M>(key: K, ...args: M[K] extends (...a: infer A) => string ? A : []): string => {
    const l = lang ?? currentLang();
    const entry = modules[l][key] ?? modules.zh[key];
    const text = typeof entry === 'function' ? (entry as (...a: unknown[]) => string)(...args) : String(entry);
    return text.includes('{district}') ? text.replaceAll('{district}', districtNames[l]) : text;
  };
}
