// Checks every request's parsed input (params, query, body) for what no schema expresses and the
// database cannot store: NUL characters (PostgreSQL text refuses them, which would end as a 500),
// numbers that are not finite, and JSON nested deeper than any route accepts. The 400 names the field.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

/** Deeper than any request body of this API; a hostile body may nest 100,000 levels. */
export const MAX_INPUT_DEPTH = 32;

type Found = { field: string; problem: 'nul' | 'depth' | 'infinite' } | null;

/** Walks a parsed value without recursion (a deep body must not exhaust the stack). */
export function findBadInput(root: unknown, rootName: string): Found {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootName, depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { field: path, problem: 'nul' };
      continue;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { field: path, problem: 'infinite' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return { field: path, problem: 'depth' };
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) stack.push({ value: value[i], path: `${path}.${i}`, depth: depth + 1 });
    } else {
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) return { field: path, problem: 'nul' };
        stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
      }
    }
  }
  return null;
}

function check(request: FastifyRequest): void {
  for (const [part, value] of [['params', request.params], ['query', request.query], ['body', request.body]] as const) {
    const found = findBadInput(value, part);
    if (!found) continue;
    // Report the field as a route's own validation would: without the params/query/body prefix.
    const field = found.field.split('.').slice(1).join('.') || part;
    if (found.problem === 'nul') {
      throw new HttpError(400, `${part}.${field}: contains a NUL character (\\u0000), which cannot be stored`, field, `${field}：包含无法保存的空字符（\\u0000）`);
    }
    if (found.problem === 'infinite') {
      throw new HttpError(400, `${part}.${field}: must be a finite number`, field, `${field}：数值超出范围`);
    }
    throw new HttpError(400, `${part}: nested deeper than ${MAX_INPUT_DEPTH} levels`, field, `${part}：嵌套层级过深`);
  }
}

async function inputHygienePlugin(app: FastifyInstance): Promise<void> {
  // Before validation: the raw input. After it: numbers as coerced, because the validator takes
  // "Infinity" and "1e400" for integers within any maximum (Ajv compares Infinity as in range).
  app.addHook('preValidation', async (request) => { check(request); });
  app.addHook('preHandler', async (request) => { check(request); });
}

export const inputHygiene = fp(inputHygienePlugin, { name: 'input-hygiene' });
