// Whether the address printed in every board's QR code (PUBLIC_BASE_URL) can reach a resident's phone.
// A loopback, private or link-local host only answers inside the office, and plain HTTP is refused or
// flagged by WeChat's browser: a batch of posters printed with such an address is dead on the wall.
import { isIP } from 'node:net';

export type QrProblem = 'invalid' | 'loopback' | 'private' | 'link_local' | 'plain_http';

export interface QrWarning {
  /** What is wrong with the address, most serious first. */
  codes: QrProblem[];
  /** The address the QR codes lead to. */
  url: string;
  message: string;
  message_zh: string;
}

const PROBLEM_TEXT: Record<QrProblem, { en: string; zh: string }> = {
  invalid: { en: 'is not a valid web address', zh: '不是有效的网址' },
  loopback: { en: 'points at this computer itself (loopback)', zh: '指向本机（回环地址）' },
  private: { en: 'is a private network address that phones outside the office cannot reach', zh: '是内网地址，居民手机无法访问' },
  link_local: { en: 'is a link-local address that only works on the same network segment', zh: '是链路本地地址，只在同一网段内可用' },
  plain_http: { en: 'uses plain HTTP instead of HTTPS (WeChat warns or refuses)', zh: '使用 HTTP 而不是 HTTPS（微信会拦截或提示不安全）' },
};

function ipv4Problem(ip: string): QrProblem | null {
  const [a, b] = ip.split('.').map(Number);
  if (a === 127 || a === 0) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  if (a === 169 && b === 254) return 'link_local';
  return null;
}

function ipv6Problem(ip: string): QrProblem | null {
  const v = ip.toLowerCase();
  if (v === '::1' || v === '::') return 'loopback';
  // IPv4 written inside IPv6 (::ffff:10.0.0.1); the URL parser may also give it as hex (::ffff:a00:1).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
  if (mapped) return ipv4Problem(mapped[1]);
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1], 16), lo = parseInt(hexMapped[2], 16);
    return ipv4Problem(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  const first = parseInt(v.split(':')[0] || '0', 16);
  if ((first & 0xfe00) === 0xfc00) return 'private'; // fc00::/7, unique local
  if ((first & 0xffc0) === 0xfe80) return 'link_local'; // fe80::/10
  return null;
}

/** Host names that only resolve inside a local network. */
function localNameProblem(host: string): QrProblem | null {
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (!host.includes('.') || /\.(local|lan|internal|intranet|home\.arpa|localdomain)$/.test(host)) return 'private';
  return null;
}

/** The problems of a QR base address (empty when residents can open it). */
export function qrProblems(baseUrl: string): QrProblem[] {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return ['invalid'];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return ['invalid'];
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const kind = isIP(host);
  const hostProblem = kind === 4 ? ipv4Problem(host) : kind === 6 ? ipv6Problem(host) : localNameProblem(host);
  const problems: QrProblem[] = [];
  if (hostProblem) problems.push(hostProblem);
  if (url.protocol === 'http:') problems.push('plain_http');
  return problems;
}

/** The warning staff see (in /admin, in a print job's answer) and boards print, or null when the address is fine. */
export function qrWarning(baseUrl: string): QrWarning | null {
  const codes = qrProblems(baseUrl);
  if (!codes.length) return null;
  return {
    codes,
    url: baseUrl,
    message: `The QR codes on the boards lead to ${baseUrl}, which ${codes.map((c) => PROBLEM_TEXT[c].en).join(' and ')}: residents who scan them will reach nothing. Set PUBLIC_BASE_URL to the public HTTPS address before printing boards to post.`,
    message_zh: `展板二维码指向 ${baseUrl}，该地址${codes.map((c) => PROBLEM_TEXT[c].zh).join('，且')}：居民扫码将无法打开。张贴前请把 PUBLIC_BASE_URL 设为公网 HTTPS 地址后再打印。`,
  };
}

/** The short line printed under a board's QR code when its address is unreachable. */
export function qrWarningLine(codes: QrProblem[], lang: 'zh' | 'en'): string {
  const hostBad = codes.some((c) => c !== 'plain_http');
  if (lang === 'zh') return hostBad ? '【测试打印】二维码指向内网或本机地址，居民扫码无法打开，请勿张贴' : '【测试打印】二维码为 HTTP 地址，微信可能拦截，请勿张贴';
  return hostBad ? 'TEST PRINT: the QR code leads to a local address residents cannot open. Do not post.' : 'TEST PRINT: the QR code uses plain HTTP, which WeChat may block. Do not post.';
}
