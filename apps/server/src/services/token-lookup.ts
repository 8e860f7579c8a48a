/**
 * API-token lookups for authentication. A script polling with a token would
 * otherwise be a database read per request and a fsynced write of "last
 * used" per request, so:
 * - a found token is trusted for CACHE_MS without asking again; any change
 *   to users or tokens (revoke, delete, role, password, disable: the
 *   repository's `generation`) forgets every cached one, so the next request
 *   sees it;
 * - "last used" is written to the minute;
 * - a cached token is refused from the moment it expires, not up to
 *   CACHE_MS later.
 */
import type { AccountsRepository, TokenRecord } from '../store/accounts.js';

const CACHE_MS = 5_000;
const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_CACHED = 1024;

export class TokenLookup {
  private readonly cache = new Map<string, { record: TokenRecord; at: number }>();
  private readonly lastUsedWritten = new Map<number, number>();
  private generation = -1;

  constructor(private readonly accounts: AccountsRepository) {}

  find(tokenHash: string): TokenRecord | undefined {
    const now = Date.now();
    if (this.generation !== this.accounts.generation) {
      this.cache.clear();
      this.generation = this.accounts.generation;
    }
    const cached = this.cache.get(tokenHash);
    let record: TokenRecord;
    let at = now;
    if (cached?.record.expiresAt && Date.parse(cached.record.expiresAt) <= now) {
      this.cache.delete(tokenHash);
      return undefined;
    }
    if (cached && now - cached.at < CACHE_MS) {
      record = cached.record;
      at = cached.at;
    } else {
      const found = this.accounts.findActiveToken(tokenHash, new Date(now));
      if (!found) {
        this.cache.delete(tokenHash);
        return undefined;
      }
      record = found;
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
    }
    if (now - (this.lastUsedWritten.get(record.id) ?? 0) >= LAST_USED_RESOLUTION_MS) {
      this.lastUsedWritten.set(record.id, now);
      const iso = new Date(now).toISOString();
      this.accounts.setTokenLastUsed(record.id, iso);
      record = { ...record, lastUsedAt: iso };
    }
    this.cache.set(tokenHash, { record, at });
    return record;
  }
}
