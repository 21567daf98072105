// The error a person sees in a browser: a small bilingual page, not the API's JSON. Used by the
// not-found handler for pages (any GET outside /api/ from a browser) and by page routes; the API keeps
// its JSON error shape. Inline style only (the CSP allows it), large type, a way back.
import type { FastifyRequest } from 'fastify';

const TEXT = {
  404: { zh: '没有找到这个页面', en: 'This page was not found', hintZh: '请核对网址或二维码；也可以打开服务地图查找附近的服务。', hintEn: 'Check the address or the QR code, or open the service map to find services nearby.' },
  400: { zh: '网址有误', en: 'The address is not valid', hintZh: '请核对网址或重新扫描展板上的二维码。', hintEn: 'Check the address, or scan the board\'s QR code again.' },
} as const;

/** Whether the request comes from a person's browser asking for a page (not from the API's clients). */
export function wantsPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0];
  if (path.startsWith('/api/') || path === '/api' || path.startsWith('/tiles/') || path.startsWith('/docs')) return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  return (request.headers.accept ?? '').includes('text/html');
}

export function errorPageHtml(status: 400 | 404): string {
  const t = TEXT[status];
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.zh} · 15分钟服务圈</title>
<style>
  body { margin: 0; font-family: 'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', system-ui, sans-serif; font-size: 20px; line-height: 1.6; color: #111111; background: #ffffff; }
  main { max-width: 560px; margin: 0 auto; padding: 1.5rem 1rem; }
  h1 { font-size: 1.5rem; line-height: 1.35; margin: 0 0 0.6rem; }
  p { margin: 0 0 1rem; }
  a { display: inline-flex; align-items: center; min-height: 60px; padding: 0 1.1rem; margin: 0 0.6rem 0.6rem 0; border: 2px solid #0b4f9c; border-radius: 10px; color: #0b4f9c; font-weight: 700; text-decoration: none; }
  .code { color: #3d3d3d; font-size: 18px; }
</style>
</head>
<body>
<main>
  <h1>${t.zh}</h1>
  <p>${t.hintZh}</p>
  <h2 lang="en" style="font-size:1.25rem;margin:1.2rem 0 0.4rem">${t.en}</h2>
  <p lang="en">${t.hintEn}</p>
  <p><a href="/">打开服务地图</a><a href="/?lang=en" lang="en">Open the service map</a></p>
  <p class="code">${status}</p>
</main>
</body>
</html>
`;
}
