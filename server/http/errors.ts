// One error shape for the whole API: { statusCode, error, message, message_zh, field? }.
// A 4xx names the field and the reason; a 5xx never leaks internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, RETRY_AFTER_S } from './resilience.ts';
import { errorPageHtml, wantsPage } from './errorPage.ts';

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
  406: 'Not Acceptable', 409: 'Conflict', 413: 'Payload Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type',
  422: 'Unprocessable Entity', 429: 'Too Many Requests', 503: 'Service Unavailable',
};

/** Chinese for the 4xx answers of Fastify and its plugins (body parser, multipart, rate limit, CORS). */
const STATUS_ZH: Record<number, string> = {
  400: '请求格式不正确', 401: '请先登录', 403: '无权进行此操作', 404: '未找到', 405: '不支持此请求方法', 406: '不支持请求的格式',
  409: '数据已被他人修改', 413: '请求内容太大', 414: '网址太长', 415: '不支持的内容类型', 422: '无法处理该内容', 429: '请求太频繁，请稍后再试',
};
const PLUGIN_ERROR_ZH: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: '请求内容太大（上限 1 MB）',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: '不支持的内容类型，请以 JSON 发送',
  FST_ERR_CTP_EMPTY_JSON_BODY: '请求内容为空，应为 JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: '请求内容不是有效的 JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: '请求长度与内容不符',
  FST_REQ_FILE_TOO_LARGE: '文件：文件太大',
  FST_FILES_LIMIT: '文件：一次只能上传一个文件',
  FST_PARTS_LIMIT: '文件：上传内容的部分太多',
  FST_FIELDS_LIMIT: '文件：表单字段太多',
  FST_INVALID_MULTIPART_CONTENT_TYPE: '文件：请以 multipart/form-data 上传',
};
/** The part of the request a Fastify error is about. */
const PLUGIN_ERROR_FIELD: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'content-type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content-length',
  FST_REQ_FILE_TOO_LARGE: 'file',
  FST_FILES_LIMIT: 'file',
  FST_PARTS_LIMIT: 'file',
  FST_FIELDS_LIMIT: 'file',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'file',
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
  let zh = KEYWORD_ZH[issue.keyword ?? ''] ?? '不正确';
  if (issue.keyword === 'enum' && Array.isArray(issue.params?.allowedValues)) zh += `（应为 ${(issue.params.allowedValues as unknown[]).join('、')} 之一）`;
  return { field, message: `${context}.${field}: ${reason}`, messageZh: `${field}：${zh}` };
}

/** PostgreSQL data exceptions (SQLSTATE class 22) and "program limit exceeded" (54000, e.g. an index row too large). */
function isDataException(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (/^22[0-9A-Z]{3}$/.test(code) || code === '54000');
}

/** A multipart body the parser could not read (no boundary, cut short): the upload is broken, not the server. */
function isMalformedUpload(err: unknown): boolean {
  const message = (err as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && /^Multipart: |Unexpected end of (multipart|form) data|Malformed part header/.test(message);
}

interface PgConstraintError { code?: string; table?: string; column?: string; constraint?: string }

/**
 * A write the database refused on an integrity constraint (SQLSTATE class 23): the request's data broke
 * a rule the route did not check first. The field comes from the column or the constraint's name
 * (PostgreSQL names them table_column_check / _key / _fkey).
 */
function constraintViolation(err: unknown): { status: number; field: string; message: string; messageZh: string } | null {
  const e = err as PgConstraintError | undefined;
  if (!e || typeof e.code !== 'string' || !/^23[0-9A-Z]{3}$/.test(e.code)) return null;
  const fromConstraint = e.constraint && e.table && e.constraint.startsWith(`${e.table}_`)
    ? e.constraint.slice(e.table.length + 1).replace(/_(check|key|fkey|excl)$/, '') : undefined;
  const field = e.column ?? fromConstraint ?? 'request';
  switch (e.code) {
    case '23505': return { status: 409, field, message: `${field}: this value is already used by another record`, messageZh: `${field}：该值已被其他记录使用` };
    case '23503': return { status: 400, field, message: `${field}: refers to a record that does not exist`, messageZh: `${field}：引用的记录不存在` };
    case '23502': return { status: 400, field, message: `${field}: is required`, messageZh: `${field}：必填` };
    default: return { status: 400, field, message: `${field}: this value is not allowed`, messageZh: `${field}：取值不符合要求` };
  }
}

/**
 * Fastify's own answers before any route is found (Fastify option `frameworkErrors`): a URL with broken
 * percent-encoding, or a path parameter longer than the router accepts. Same error shape as everywhere.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.statusCode === 414;
  const status = tooLong ? 414 : 400;
  void reply.code(status).send({
    statusCode: status, error: STATUS_TEXT[status], field: 'url',
    message: tooLong ? 'url: a part of the address is too long' : 'url: the address is not valid (broken percent-encoding)',
    message_zh: tooLong ? '网址中的某一段太长' : '网址格式不正确（百分号编码有误）',
  });
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
    if (isDataException(error)) {
      // A value the database refused (out of range, malformed, too long to index): bad input that a
      // route's schema let through. Say so instead of 500; the route should learn to name the field.
      request.log.warn({ err: error }, 'database refused a value from the request');
      return reply.code(400).send({
        statusCode: 400, error: 'Bad Request', field: 'request',
        message: 'A value in the request is out of range or malformed for the database',
        message_zh: '请求中的某个值超出范围或格式不正确',
      });
    }
    if (isMalformedUpload(error)) {
      return reply.code(400).send({
        statusCode: 400, error: 'Bad Request', field: 'file',
        message: `file: the upload is not a well-formed multipart/form-data body (${error.message})`,
        message_zh: '文件：上传内容格式不正确，请重新选择文件上传',
      });
    }
    const violation = constraintViolation(error);
    if (violation) {
      request.log.warn({ err: error }, 'database constraint refused a write from the request');
      return reply.code(violation.status).send({
        statusCode: violation.status, error: STATUS_TEXT[violation.status], field: violation.field,
        message: violation.message, message_zh: violation.messageZh,
      });
    }
    // Errors from plugins (body parser, multipart, rate limit) carry a 4xx status and a readable message.
    const status = error.statusCode ?? 500;
    // The static file server refuses odd paths (too long, dot segments) with 403; for the person asking
    // it is simply not there. Our own 403s are HttpErrors and say why.
    if (status === 403 && !(error instanceof HttpError)) return reply.callNotFound();
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
    const pluginField = PLUGIN_ERROR_FIELD[error.code] ?? (error instanceof SyntaxError ? 'body' : undefined);
    return reply.code(status).send({
      statusCode: status,
      error: STATUS_TEXT[status] ?? 'Error',
      message: pluginField && !error.message.startsWith(pluginField) ? `${pluginField}: ${error.message}` : error.message,
      message_zh: error instanceof HttpError && error.messageZh ? error.messageZh : PLUGIN_ERROR_ZH[error.code] ?? STATUS_ZH[status] ?? '请求有误',
      ...(error instanceof HttpError && error.field ? { field: error.field } : pluginField ? { field: pluginField } : {}),
      ...(error instanceof HttpError && error.details ? error.details : {}),
    });
  });

  app.setNotFoundHandler((request, reply) => {
    if (wantsPage(request)) return reply.code(404).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(errorPageHtml(404));
    reply.code(404).send({
      statusCode: 404, error: 'Not Found',
      message: `No route ${request.method} ${request.url.split('?')[0]}`, message_zh: '页面或接口不存在',
    });
  });
}
