/**
 * The pair's secrets (the VRRP secret, the peer token) never leave the
 * server: every response shows SECRET_MASK in their place (maskSecrets,
 * run on every payload by plugins/secret-mask.ts), and a model sent back
 * with the mask keeps the stored secret (restoreSecrets, run before a
 * desired model is validated). A mask with nothing stored behind it is
 * refused on its field (ha.secret_masked).
 */
import { type FieldProblem, SECRET_MASK } from '@gatehouse/rules';

/** Where the secrets sit in an `ha` section. */
const SECRET_PATHS = [['vrrp', 'authSecret'], ['peerToken']] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object holding the secret at `path` in an ha section, and the key. */
function holder(ha: Obj, path: readonly string[]): [Obj, string] | null {
  let at: Obj = ha;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (!isObj(next)) return null;
    at = next;
  }
  return [at, path[path.length - 1] as string];
}

/** A copy of an ha section with its secrets masked. */
function maskedHa(ha: Obj): Obj {
  const out = structuredClone(ha);
  for (const path of SECRET_PATHS) {
    const h = holder(out, path);
    if (h && typeof h[0][h[1]] === 'string') h[0][h[1]] = SECRET_MASK;
  }
  return out;
}

/** Arrays longer than this are not searched: they are forwards or flows, which carry no model. */
const MAX_ARRAY = 1000;
/** Models sit at the payload (GET /config), under `model` (a revision) or one level further. */
const MAX_DEPTH = 3;

/**
 * The payload with every model's secrets masked: objects on the way to a
 * model are copied, everything else is shared with the input (never mutated).
 */
export function maskSecrets<T>(payload: T, depth = 0): T {
  if (depth > MAX_DEPTH || typeof payload !== 'object' || payload === null) return payload;
  if (Array.isArray(payload)) {
    if (payload.length > MAX_ARRAY) return payload;
    let copy: unknown[] | null = null;
    payload.forEach((item, i) => {
      const m = maskSecrets(item, depth + 1);
      if (m !== item) {
        copy ??= payload.slice();
        copy[i] = m;
      }
    });
    return (copy ?? payload) as T;
  }
  const obj = payload as Obj;
  let copy: Obj | null = null;
  for (const [key, value] of Object.entries(obj)) {
    const m = key === 'ha' && isObj(value) ? maskedHa(value) : maskSecrets(value, depth + 1);
    if (m !== value) {
      copy ??= { ...obj };
      copy[key] = m;
    }
  }
  return (copy ?? payload) as T;
}

/**
 * A model as sent, with each masked secret replaced by the stored model's
 * one, and the problems of masks nothing stored stands behind.
 */
export function restoreSecrets(
  input: unknown,
  stored: () => { ha?: unknown } | null,
): {
  input: unknown;
  problems: FieldProblem[];
} {
  if (!isObj(input) || !isObj(input.ha)) return { input, problems: [] };
  // Only a model that holds a mask is copied.
  if (!SECRET_PATHS.some((p) => holder(input.ha as Obj, p)?.[0][p[p.length - 1] as string] === SECRET_MASK))
    return { input, problems: [] };
  const ha = structuredClone(input.ha);
  let storedHa: Obj | null | undefined;
  const problems: FieldProblem[] = [];
  for (const path of SECRET_PATHS) {
    const h = holder(ha, path);
    if (!h || h[0][h[1]] !== SECRET_MASK) continue;
    if (storedHa === undefined) {
      const s = stored();
      storedHa = s && isObj(s.ha) ? s.ha : null;
    }
    const from = storedHa ? holder(storedHa, path) : null;
    const value = from ? from[0][from[1]] : undefined;
    if (typeof value === 'string' && value !== SECRET_MASK) h[0][h[1]] = value;
    else
      problems.push({
        path: ['ha', ...path].join('.'),
        message: 'this secret was shown masked and none is stored; send the secret itself',
        code: 'ha.secret_masked',
      });
  }
  return { input: { ...input, ha }, problems };
}
