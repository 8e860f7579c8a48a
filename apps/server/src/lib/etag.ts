/** The desired model's version as an HTTP ETag, and back from If-Match. */
import { HttpError } from './errors.js';

export function etag(version: number): string {
  return `"v${version}"`;
}

/** The version an If-Match header names; undefined when absent. */
export function ifMatch(headers: { 'if-match'?: string | string[] | undefined }): number | undefined {
  const h = headers['if-match'];
  if (h === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?v?(\d+)"?\s*$/.exec(String(h));
  if (!m) {
    throw new HttpError(400, 'validation', 'If-Match must be an ETag from this API, e.g. "v3"', {
      problems: [{ path: 'headers.if-match', message: 'not an ETag from this API', code: 'etag.invalid', params: {} }],
    });
  }
  return Number(m[1]);
}
