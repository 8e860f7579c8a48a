/**
 * The compiled proposal as the kernel would list it, built from the model
 * without a kernel: where no throwaway namespace can be made (the panel's
 * systemd unit has RestrictNamespaces=yes and no CAP_SYS_ADMIN, so `unshare
 * --net` is refused), the equivalence report still walks a listing of the
 * proposal. It follows compile() rule for rule (the same map elements, from
 * forwardElements); the kernel test import-model-listing.test.ts holds it to
 * what the kernel lists for the same script, by evaluating both.
 */
import { CHAIN, TABLE_FAMILY } from '../compile.js';
import { HELPER_KIND_SPECS } from '../helper-kinds.js';
import { type GatewayModel, protocolsOf } from '../model.js';
import { needsForwardFilter } from '../render/filter.js';
import { FORWARD_MAPS, forwardElements } from '../render/forwards.js';
import { enabledHelperKinds, helperChainName, helperRulePorts, helperServers } from '../render/helpers.js';
import type { Json } from './ruleset.js';

function atom(text: string): unknown {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const range = /^(\d+)-(\d+)$/.exec(t);
  if (range) return { range: [Number(range[1]), Number(range[2])] };
  const prefix = /^([\d.]+)\/(\d+)$/.exec(t);
  if (prefix) return { prefix: { addr: prefix[1], len: Number(prefix[2]) } };
  return t;
}

/** "tcp . 10.0.0.0/8 . 5000" -> {concat: ["tcp", {prefix}, 5000]}; a single part stays bare. */
function value(text: string): unknown {
  const parts = text.split(' . ');
  return parts.length === 1 ? atom(text) : { concat: parts.map(atom) };
}

const one = (values: unknown[]): unknown => (values.length === 1 ? values[0] : { set: values });
const match = (left: Json, right: unknown, op = '=='): Json => ({ match: { op, left, right } });
const meta = (key: string): Json => ({ meta: { key } });
const payload = (protocol: string, field: string): Json => ({ payload: { protocol, field } });
const ct = (key: string): Json => ({ ct: { key } });

export function modelListing(model: GatewayModel): { nftables: Json[] } {
  const family = TABLE_FAMILY;
  const table = model.table;
  const out: Json[] = [{ table: { family, name: table } }];
  const wan = match(meta('iifname'), model.interfaces.wan);
  const rule = (chain: string, expr: Json[]) => out.push({ rule: { family, table, chain, expr } });
  const chain = (name: string, type: string, hook: string, prio: number, policy = 'accept') =>
    out.push({ chain: { family, table, name, type, hook, prio, policy } });

  const kinds = enabledHelperKinds(model);
  for (const kind of kinds) {
    const spec = HELPER_KIND_SPECS[kind];
    out.push({ 'ct helper': { family, table, name: spec.objectName, type: spec.nftType, protocol: spec.protocol } });
  }
  const elements = new Map<string, Array<[unknown, unknown]>>(FORWARD_MAPS.map((m) => [m.name, []]));
  for (const f of model.forwards) {
    for (const e of forwardElements(f)) elements.get(e.map)?.push([value(e.key), value(e.value)]);
  }
  for (const spec of FORWARD_MAPS) {
    out.push({ map: { family, table, name: spec.name, map: spec.value, elem: elements.get(spec.name) ?? [] } });
  }

  chain(CHAIN.dnat, 'nat', 'prerouting', -100);
  for (const g of model.gatewayForwards) {
    if (!g.enabled) continue;
    const src = g.allowedSources.length > 0 ? [match(payload('ip', 'saddr'), one(g.allowedSources.map(atom)))] : [];
    for (const proto of protocolsOf(g.protocol)) {
      rule(CHAIN.dnat, [
        wan,
        ...src,
        match(payload(proto, 'dport'), g.publicPort),
        { redirect: { port: g.localPort } },
      ]);
    }
  }
  const l4 = match(meta('l4proto'), { set: ['tcp', 'udp'] });
  const srcKey = { concat: [meta('l4proto'), payload('ip', 'saddr'), payload('th', 'dport')] };
  for (const name of ['forward_src_same_port', 'forward_src_new_port']) {
    rule(CHAIN.dnat, [wan, l4, { dnat: { family: 'ip', addr: { map: { key: srcKey, data: `@${name}` } } } }]);
  }
  for (const proto of ['tcp', 'udp']) {
    for (const kind of ['same_port', 'same_range', 'new_port']) {
      const key = payload(proto, 'dport');
      rule(CHAIN.dnat, [wan, { dnat: { family: 'ip', addr: { map: { key, data: `@forward_${proto}_${kind}` } } } }]);
    }
  }

  chain(CHAIN.snat, 'nat', 'postrouting', 100);
  const lans = one(model.interfaces.lan);
  if (model.masquerade.forwardedServers) {
    rule(CHAIN.snat, [match(meta('oifname'), lans), match(ct('status'), 'dnat', 'in'), { masquerade: null }]);
  }
  if (model.masquerade.lanToWan) rule(CHAIN.snat, [match(meta('oifname'), model.interfaces.wan), { masquerade: null }]);

  // One chain per helper kind at prerouting priority 10, as render/helpers.ts writes it.
  for (const kind of kinds) {
    const spec = HELPER_KIND_SPECS[kind];
    const name = helperChainName(kind);
    chain(name, 'filter', 'prerouting', 10);
    const servers = helperServers(model, kind);
    const ports = helperRulePorts(model, kind);
    if (servers.length === 0 || ports.length === 0) continue;
    rule(name, [
      wan,
      match(payload('ip', 'daddr'), one(servers)),
      match(payload(spec.protocol, 'dport'), one(ports)),
      { 'ct helper': spec.objectName },
    ]);
  }

  if (needsForwardFilter(model)) {
    chain(CHAIN.filter, 'filter', 'forward', 0, model.filter.policy);
    const state = (s: string | string[]) => match(ct('state'), s, 'in');
    if (model.ftp.enabled && model.ftp.passiveOnly) {
      const helper = match(ct('helper'), 'ftp');
      rule(CHAIN.filter, [state('established'), { accept: null }]);
      rule(CHAIN.filter, [
        state('related'),
        helper,
        wan,
        match(meta('oifname'), lans),
        match(payload('tcp', 'sport'), { range: [1024, 65535] }),
        { accept: null },
      ]);
      rule(CHAIN.filter, [state('related'), helper, { drop: null }]);
      rule(CHAIN.filter, [state('related'), { accept: null }]);
    } else {
      rule(CHAIN.filter, [state(['established', 'related']), { accept: null }]);
    }
    if (model.filter.policy === 'drop') {
      rule(CHAIN.filter, [
        wan,
        match(meta('oifname'), lans),
        state('new'),
        match(ct('status'), 'dnat', 'in'),
        { accept: null },
      ]);
      if (model.filter.allowLanToWan) {
        rule(CHAIN.filter, [
          match(meta('iifname'), lans),
          match(meta('oifname'), model.interfaces.wan),
          { accept: null },
        ]);
      }
    }
  }
  return { nftables: out };
}
