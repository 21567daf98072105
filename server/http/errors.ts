// One error shape for the whole API: { statusCode, error, message, message_zh, field? }.
// A 4xx names the field and the reason; a 5xx never leaks internals.
import type { FastifyError, FastifyInstance } from 'fastify';
import { isDatabaseUnavailable, RETRY_AFTER_S } from './resilience.ts';

/** An error a route throws on purpose, with a status and (optionally) the field at fault. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
    readonly messageZh?: string,
    readonly details?: Record<string, unknown>,
  ) { super(message); }
}

export const badRequest = (field: string, message: string, messageZh?: string) => new HttpError(400, `${field}: ${message}`, field, messageZh);
export const notFound = (what: string, messageZh?: string) => new HttpError(404, `${what} not found`, undefined, messageZh ?? '未找到');

const KEYWORD_ZH: Record<string, string> = {
  required: '必填',
  type: '类型不正确',
  minimum: '数值太小',
  maximum: '数值太大',
  exclusiveMinimum: '数值太小',
  exclusiveMaximum: '数值太大',
  minLength: '内容太短',
  maxLength: '内容太长',
  pattern: '格式不正确',
  enum: '不是允许的取值',
  anyOf: '格式不正确',
  additionalProperties: '包含未知字段',
  minItems: '数量太少',
  maxItems: '数量太多',
  format: '格式不正确',
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Entity', 429: 'Too Many Requests', 503: 'Service Unavailable',
};

interface ValidationIssue { instancePath?: string; keyword?: string; message?: string; params?: Record<string, unknown> }

function describeValidation(error: FastifyError): { field: string; message: string; messageZh: string } {
  const issue = (error.validation?.[0] ?? {}) as ValidationIssue;
  const context = error.validationContext ?? 'request';
  const pathField = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const missing = issue.keyword === 'required' ? String(issue.params?.missingProperty ?? '') : '';
  const extra = issue.keyword === 'additionalProperties' ? String(issue.params?.additionalProperty ?? '') : '';
  const field = [pathField, missing || extra].filter(Boolean).join('.') || context;
  let reason = issue.message ?? 'is invalid';
  if (issue.keyword === 'additionalProperties') reason = 'is not a known field or parameter';
  if (issue.keyword === 'enum' && Array.isArray(issue.params?.allowedValues)) {
    reason = `must be one of ${(issue.params.allowedValues as unknown[]).join(', ')}`;
  }
  const zh = KEYWORD_ZH[issue.keyword ?? ''] ?? '不正确';
  return { field, message: `${context}.${field}: ${reason}`, messageZh: `${field}：${zh}` };
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & Partial<HttpError>, request, reply) => {
    if (error.validation) {
      const { field, message, messageZh } = describeValidation(error);
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message, message_zh: messageZh, field });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply.code(503).header('retry-after', String(RETRY_AFTER_S)).send({
        statusCode: 503, error: 'Service Unavailable',
        message: 'The database is unavailable; the service will recover by itself. Try again shortly.',
        message_zh: '数据库暂时不可用，服务会自动恢复，请稍后再试',
      });
    }
    // Errors from plugins (body parser, multipart, rate limit) carry a 4xx status and a readable message.
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      const unavailable = status === 503;
      return reply.code(status).send({
        statusCode: status,
        error: unavailable ? 'Service Unavailable' : 'Internal Server Error',
        message: unavailable ? error.message : 'The server could not complete this request; it has been logged.',
        message_zh: unavailable ? '服务暂时不可用，请稍后再试' : '服务器内部错误，已记录',
      });
    }
    return reply.code(status).send({
      statusCode: status,
      error: STATUS_TEXT[status] ?? 'Error',
      message: error.message,
      ...(error instanceof HttpError && error.messageZh ? { message_zh: error.messageZh } : {}),
      ...(error instanceof HttpError && error.field ? { field: error.field } : {}),
      ...(error instanceof HttpError && error.details ? error.details : {}),
    });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      statusCode: 404, error: 'Not Found',
      message: `No route ${request.method} ${request.url.split('?')[0]}`, message_zh: '页面或接口不存在',
    });
  });
}
