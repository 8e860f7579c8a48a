/**
 * The chain tree: base chains (those with a hook) and the regular chains they
 * reach through `jump` and `goto`. Walking it yields every rule reachable
 * from a base chain together with the match context of the rules that
 * jumped to it (`iifname "eth0" jump dstnat_wan` makes every rule of
 * dstnat_wan an eth0 rule). The evaluator (evaluate.ts) follows the same
 * tree with a packet. Loops and deep trees are cut at IMPORT_LIMITS.
 */
import { type Cond, type ExprContext, type ParsedRule, parseRule, type UnknownCond } from './expr.js';
import type { XtDetails } from './iptables-nft.js';
import { ruleKeyOf } from './iptables-nft.js';
import { type ChainInfo, chainKey, IMPORT_LIMITS, type RuleInfo, type Ruleset } from './ruleset.js';

export interface TreeRule extends ParsedRule {
  rule: RuleInfo;
}

export interface WalkedRule extends TreeRule {
  base: ChainInfo;
  /** Chain names from the base chain to the rule's own chain. */
  path: string[];
  /** Conditions of the rules that jumped here, outermost first. */
  context: Array<Cond | UnknownCond>;
}

export class ChainTree {
  readonly rs: Ruleset;
  private readonly xt: XtDetails | undefined;
  private readonly parsed = new Map<string, TreeRule[]>();
  /** Set when a walk was cut (loop, depth, size). */
  readonly cuts: string[] = [];

  constructor(rs: Ruleset, xt?: XtDetails) {
    this.rs = rs;
    this.xt = xt;
  }

  /** Base chains of the given hook (all hooks when omitted), in priority order. */
  baseChains(hook?: string): ChainInfo[] {
    return [...this.rs.chains.values()]
      .filter((c) => c.hook !== undefined && (hook === undefined || c.hook === hook))
      .filter((c) => c.family === 'ip' || c.family === 'inet')
      .sort((a, b) => (a.prio ?? 0) - (b.prio ?? 0));
  }

  chain(family: string, table: string, name: string): ChainInfo | undefined {
    return this.rs.chains.get(chainKey(family, table, name));
  }

  rules(chain: Pick<ChainInfo, 'family' | 'table' | 'name'>): TreeRule[] {
    const key = chainKey(chain.family, chain.table, chain.name);
    const cached = this.parsed.get(key);
    if (cached) return cached;
    const ctx: ExprContext = { rs: this.rs, family: chain.family, table: chain.table, xt: this.xt };
    const list = (this.rs.rules.get(key) ?? []).map((rule) => ({
      rule,
      ...parseRule(rule.expr, ctx, ruleKeyOf(rule.family, rule.table, rule.chain, rule.handle)),
    }));
    this.parsed.set(key, list);
    return list;
  }

  /** Every rule reachable from a base chain, jumps and gotos expanded in place (the jumping rule itself is not listed). */
  private cut(why: string): void {
    if (this.cuts.length < 100) this.cuts.push(why);
  }

  walk(base: ChainInfo): WalkedRule[] {
    const out: WalkedRule[] = [];
    let full = false;
    const visit = (chain: ChainInfo, path: string[], context: Array<Cond | UnknownCond>) => {
      for (const r of this.rules(chain)) {
        if (full) return;
        if (out.length >= IMPORT_LIMITS.walked) {
          full = true;
          this.cut(`${base.family} ${base.table} ${base.name}: more than ${IMPORT_LIMITS.walked} rules`);
          return;
        }
        if (r.verb.k === 'jump' || r.verb.k === 'goto') {
          const target = this.chain(chain.family, chain.table, r.verb.target);
          if (target && !path.includes(target.name) && path.length < IMPORT_LIMITS.depth) {
            visit(target, [...path, target.name], [...context, ...r.conds]);
            continue;
          }
          this.cut(`${chain.family} ${chain.table} ${chain.name}: ${r.verb.k} ${r.verb.target} not followed`);
        }
        out.push({ ...r, base, path, context });
      }
    };
    visit(base, [base.name], []);
    return out;
  }
}
