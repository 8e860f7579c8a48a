/**
 * What the log may carry: errors and requests reduced to bounded fields, so a
 * multi-megabyte value in a request (or a script in a command error) never
 * becomes a multi-megabyte log line. Request bodies are never logged.
 */
import type { FastifyLoggerOptions } from 'fastify';
import { truncate } from './bounded.js';

const MAX_LOG_STRING = 2000;
const MAX_LOG_ITEMS = 20;
const MAX_LOG_DEPTH = 3;

/** A copy of any value with strings, arrays, keys and depth bounded. */
export function boundedValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return truncate(value, MAX_LOG_STRING);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? '[function]' : value;
  if (depth >= MAX_LOG_DEPTH) return Array.isArray(value) ? `[array of ${value.length}]` : '[object]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_LOG_ITEMS).map((v) => boundedValue(v, depth + 1));
    if (value.length > MAX_LOG_ITEMS) items.push(`… ${value.length - MAX_LOG_ITEMS} more`);
    return items;
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key of Object.keys(value)) {
    if (n++ === MAX_LOG_ITEMS) {
      out['…'] = 'more keys left out';
      break;
    }
    out[truncate(key, 100)] = boundedValue((value as Record<string, unknown>)[key], depth + 1);
  }
  return out;
}

/** An error as a log field: type, message, stack and its own fields (a command's stderr, say), all bounded. */
export function errForLog(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error))
    return { type: typeof err, message: truncate(String(boundedValue(err)), MAX_LOG_STRING) };
  const out: Record<string, unknown> = {
    type: err.name,
    message: truncate(err.message, MAX_LOG_STRING),
    stack: truncate(err.stack ?? '', 4 * MAX_LOG_STRING),
  };
  for (const [key, value] of Object.entries(err)) {
    if (key === 'cause' || key in out) continue;
    out[key] = boundedValue(value, 1);
  }
  if (err.cause !== undefined && depth < 2) out.cause = errForLog(err.cause, depth + 1);
  return out;
}

/** What the request serializer reads (Fastify hands it the request). */
interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number | undefined } | null;
}

/** The request as a log field: fastify's default fields with the URL and host bounded. */
export function reqForLog(req: LoggedRequest): Record<string, unknown> & { url: string } {
  return {
    method: req.method,
    url: truncate(String(req.url ?? ''), 300),
    host: truncate(String(req.host ?? ''), 200),
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** Logger options for Fastify (pino): the bounded serializers above. */
export function loggerOptions(level: string): FastifyLoggerOptions & { level: string } {
  return {
    level,
    serializers: {
      err: (err) => ({ message: '', type: 'Error', stack: '', ...errForLog(err) }),
      req: (req) => reqForLog(req as LoggedRequest),
    },
  };
}
