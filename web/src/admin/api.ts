// The API client every admin tab receives in its ctx: same-origin fetch with the session cookie and,
// on state-changing requests, the CSRF token the server handed out at sign-in (/api/auth/me).
import type { Static } from 'typebox';
import type { ErrorResponse } from '../../../server/http/geojson.ts';

/** An error answer: the server's one error shape (ErrorResponse), which may carry extra fields (e.g. a 409's current record). */
export type ApiErrorBody = Static<typeof ErrorResponse> & { [extra: string]: unknown };

export class ApiError extends Error {
  constructor(readonly status: number, readonly body: ApiErrorBody) { super(body.message); }
  /** The message for the page language (Chinese when the server gave one). */
  text(lang: 'zh' | 'en'): string { return lang === 'zh' ? (this.body.message_zh ?? this.body.message) : this.body.message; }
}

export interface UploadProgress { loaded: number; total: number }

export class ApiClient {
  csrfToken: string | null = null;
  /** Called on any 401 so the shell can show the sign-in form again. */
  onUnauthorized: (() => void) | null = null;

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(path, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
    });
    return this.finish<T>(response.status, await response.text());
  }

  get<T = unknown>(path: string): Promise<T> { return this.request<T>('GET', path); }
  post<T = unknown>(path: string, body?: unknown): Promise<T> { return this.request<T>('POST', path, body ?? {}); }
  patch<T = unknown>(path: string, body: unknown): Promise<T> { return this.request<T>('PATCH', path, body); }
  delete<T = unknown>(path: string): Promise<T> { return this.request<T>('DELETE', path); }

  /** Multipart upload with upload progress (fetch cannot report it; XMLHttpRequest can). */
  upload<T = unknown>(path: string, form: FormData, onProgress?: (p: UploadProgress) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.withCredentials = true;
      xhr.setRequestHeader('accept', 'application/json');
      if (this.csrfToken) xhr.setRequestHeader('x-csrf-token', this.csrfToken);
      xhr.upload.onprogress = (e) => onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
      xhr.onerror = () => reject(new ApiError(0, { statusCode: 0, error: 'Network', message: 'Network error', message_zh: '网络错误' }));
      xhr.onload = () => {
        try { resolve(this.finish<T>(xhr.status, xhr.responseText)); } catch (err) { reject(err); }
      };
      xhr.send(form);
    });
  }

  private finish<T>(status: number, text: string): T {
    let parsed: unknown = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
    if (status >= 200 && status < 300) return parsed as T;
    if (status === 401) this.onUnauthorized?.();
    const body = (parsed && typeof parsed === 'object' ? parsed : {
      statusCode: status, error: 'Error', message: `HTTP ${status}`, message_zh: `请求失败（${status}）`,
    }) as ApiErrorBody;
    throw new ApiError(status, body);
  }
}
