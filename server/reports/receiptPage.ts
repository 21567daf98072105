// The public receipt page /r/:code, rendered on the server (a few lines of HTML, no script): the report's
// kind, status and the office's public reply, Chinese by default with an English switch. Unknown or
// malformed codes get a page too, not JSON. Nothing personal is on it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { normalizeCode, reportByCode } from './repository.ts';
import { presentPublic } from './present.ts';
import { localTimeZone } from '../localTime.ts';

type Lang = 'zh' | 'en';
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const T = {
  title: { zh: '反馈回执', en: 'Report receipt' },
  code: { zh: '回执号', en: 'Receipt code' },
  kind: { zh: '类型', en: 'Kind' },
  category: { zh: '服务类别', en: 'Service' },
  street: { zh: '受理街道', en: 'Street office' },
  status: { zh: '办理状态', en: 'Status' },
  reply: { zh: '街道答复', en: 'Reply from the street office' },
  noReply: { zh: '街道办尚未答复。办理有进展时，本页会更新。', en: 'No reply yet. This page changes when the office acts on the report.' },
  received: { zh: '收到时间', en: 'Received' },
  updated: { zh: '最近更新', en: 'Last update' },
  closed: { zh: '办结时间', en: 'Closed' },
  keep: { zh: '请保存本页网址或回执号，随时查看办理进度。', en: 'Keep this address or the code to follow the report.' },
  other: { zh: 'English', en: '中文' },
  notFound: { zh: '没有找到这个回执号', en: 'No report has this receipt code' },
  notFoundHint: { zh: '请核对回执号（10 位字母和数字）。', en: 'Please check the code (10 letters and digits).' },
  home: { zh: '返回服务地图', en: 'Back to the service map' },
} satisfies Record<string, Record<Lang, string>>;

const when = (iso: string, lang: Lang) => new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: localTimeZone(), dateStyle: 'medium', timeStyle: 'short' });

function page(lang: Lang, title: string, body: string, switchHref: string): string {
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · 15分钟综合服务圈</title>
<style>
body{margin:0;font:18px/1.6 system-ui,"Noto Sans CJK SC","Noto Sans SC",sans-serif;color:#1b1b1b;background:#f5f6f7}
main{max-width:40rem;margin:0 auto;padding:1rem 1.25rem 3rem}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem}
h1{font-size:1.5rem;margin:.5rem 0}
a{color:#0b57a4}
.switch,.home{display:inline-block;min-height:60px;line-height:60px;min-width:60px;padding:0 1.25rem;border:2px solid #0b57a4;border-radius:8px;text-decoration:none;box-sizing:border-box;text-align:center}
dl{background:#fff;border-radius:12px;padding:1rem 1.25rem;margin:1rem 0;box-shadow:0 1px 3px rgba(0,0,0,.12)}
dt{color:#555;font-size:1em;margin-top:.6rem}dd{margin:0;font-size:1.2em}
.code{font-family:ui-monospace,monospace;letter-spacing:.08em;font-size:1.4rem}
.status{display:inline-block;padding:.1rem .75rem;border-radius:999px;background:#e6f0fa;color:#0b3d73;font-weight:600}
.status.resolved{background:#e3f4e6;color:#14532d}.status.rejected{background:#f4e8e3;color:#6b2410}
.reply{background:#fff;border-left:6px solid #0b57a4;border-radius:8px;padding:1rem 1.25rem;white-space:pre-wrap}
.muted{color:#555}
</style></head>
<body><main><header><h1>${escape(title)}</h1><a class="switch" href="${escape(switchHref)}" lang="${lang === 'zh' ? 'en' : 'zh-CN'}">${T.other[lang]}</a></header>
${body}
<p><a class="home" href="/">${T.home[lang]}</a></p></main></body></html>`;
}

export const receiptPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/r/:code', {
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: {
      tags: ['reports'], summary: 'The public receipt page of a report (HTML)',
      params: Type.Object({ code: Type.String({ maxLength: 40 }) }),
      querystring: Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])) }),
      response: { 200: Type.String({ description: 'text/html' }), 404: Type.String({ description: 'text/html' }) },
    },
  }, async (request, reply) => {
    const lang: Lang = request.query.lang === 'en' ? 'en' : 'zh';
    const raw = request.params.code;
    const code = normalizeCode(raw);
    const row = code ? await reportByCode(app.db, code) : undefined;
    const switchHref = `/r/${encodeURIComponent(raw)}${lang === 'zh' ? '?lang=en' : ''}`;
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    if (!row) {
      return reply.code(404).send(page(lang, T.notFound[lang], `<p class="code">${escape(raw.slice(0, 40))}</p><p>${T.notFoundHint[lang]}</p>`, switchHref));
    }
    const r = presentPublic(app.catalog, row);
    const statusClass = r.status === 'resolved' || r.status === 'rejected' ? ` ${r.status}` : '';
    const body = `<dl>
<dt>${T.code[lang]}</dt><dd class="code">${escape(r.code)}</dd>
<dt>${T.kind[lang]}</dt><dd>${escape(r.kind_name[lang])}${r.category_name ? ` · ${escape(r.category_name[lang])}` : ''}</dd>
<dt>${T.street[lang]}</dt><dd>${escape(r.street_name)}</dd>
<dt>${T.status[lang]}</dt><dd><span class="status${statusClass}" data-status="${r.status}">${escape(r.status_name[lang])}</span></dd>
<dt>${T.received[lang]}</dt><dd>${escape(when(r.received_at, lang))}</dd>
${r.closed_at ? `<dt>${T.closed[lang]}</dt><dd>${escape(when(r.closed_at, lang))}</dd>` : `<dt>${T.updated[lang]}</dt><dd>${escape(when(r.updated_at, lang))}</dd>`}
</dl>
<h2>${T.reply[lang]}</h2>
${r.public_reply ? `<p class="reply" data-reply>${escape(r.public_reply)}</p>` : `<p class="muted">${T.noReply[lang]}</p>`}
<p class="muted">${T.keep[lang]}</p>`;
    return reply.send(page(lang, T.title[lang], body, switchHref));
  });
};
