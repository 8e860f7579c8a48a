/**
 * The compiled proposal as the kernel would list it, without touching the
 * gateway: the script is loaded by `nft -j -e` in a fresh, empty network
 * namespace that exists only for that one process (`unshare --net`), and the
 * echoed objects (what the kernel confirmed) are put back into the shape of
 * `nft -j list ruleset`, elements inside their maps.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runner } from '../runner.js';
import type { Json } from './ruleset.js';

/** `nft -j -e` output -> the `nft -j list ruleset` shape. */
export function echoToListing(echo: unknown): { nftables: Json[] } {
  const items = (echo as Json | null)?.nftables;
  const out: Json[] = [];
  const sets = new Map<string, Json>();
  if (!Array.isArray(items)) return { nftables: out };
  for (const item of items as Json[]) {
    const add = (item?.add ?? item?.insert) as Json | undefined;
    if (!add) continue;
    const [kind, raw] = Object.entries(add)[0] ?? [];
    if (!kind || !raw || typeof raw !== 'object') continue;
    const obj = { ...(raw as Json) };
    if (kind === 'element') {
      const target = sets.get(`${obj.family} ${obj.table} ${obj.name}`);
      const elems = ((obj.elem as Json | undefined)?.set ?? []) as unknown[];
      if (target) target.elem = [...((target.elem as unknown[] | undefined) ?? []), ...elems];
      continue;
    }
    if (kind === 'set' || kind === 'map') sets.set(`${obj.family} ${obj.table} ${obj.name}`, obj);
    out.push({ [kind]: obj });
  }
  return { nftables: out };
}

/**
 * Loads `script` into a throwaway namespace and returns its listing (JSON).
 * Needs root (unshare). The script goes through a private temporary file:
 * with -j, nft 1.0.6 opens `-` as /dev/stdin, which fails on the socket
 * Node gives a child as its standard input.
 */
export async function listCompiled(script: string, runner: Runner): Promise<{ nftables: Json[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-import-'));
  try {
    const file = join(dir, 'proposal.nft');
    await writeFile(file, script, { mode: 0o600 });
    const res = await runner.run('unshare', ['--net', '--', 'nft', '-j', '-e', '-f', file]);
    return echoToListing(JSON.parse(res.stdout || '{}'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
