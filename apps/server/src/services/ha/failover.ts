/**
 * A failover by hand, from this node: it stops its own keepalived (the
 * engines' hold), so the peer takes the virtual addresses, and keeps it down
 * until a resume starts it again on the config already written. conntrackd
 * keeps running on both nodes, so the flows in progress move with the
 * addresses (docs/ha.md, "Failing over by hand"). Audited (`pair.failover`,
 * `pair.resume`) and sent on the event stream as `pair` events.
 */
import type { GatewayModel, InterfaceState } from '@gatehouse/rules';
import { HttpError } from '../../lib/errors.js';
import type { PairFailoverResult, PairResumeResult } from '../../schemas/pair-failover.js';
import type { EventHub } from '../events.js';
import type { HaEngines } from './engines.js';
import { vrrpStates } from './pair-status.js';

export interface PairFailoverDeps {
  /** config.haNode: this node's name (undefined: not a pair node). */
  node: string | undefined;
  /** null: GATEHOUSE_HA_ENGINES=off (Gatehouse does not run keepalived). */
  engines: HaEngines | null;
  /** The model of the active revision. */
  model: () => GatewayModel | null;
  interfaces: () => Promise<InterfaceState[]>;
  hub: Pick<EventHub, 'publish'>;
  audit: { record(actor: string, action: string, target: string, details?: Record<string, unknown>): void };
  /** How long a failover waits for keepalived to take the addresses off this node. Default 5 s. */
  releaseTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PairFailover {
  constructor(private readonly deps: PairFailoverDeps) {}

  /** This node and its peer, when this server is a node of the active model's pair; 409 otherwise. */
  private pair(): { node: string; peer: string; model: GatewayModel; engines: HaEngines } {
    const model = this.deps.model();
    const { node } = this.deps;
    const names = model?.ha?.nodes.map((n) => n.name) ?? [];
    if (!model || !node || !names.includes(node)) {
      throw new HttpError(409, 'not_pair_node', 'this server is not a node of the applied pair (GATEHOUSE_HA_NODE)', {
        params: { node: node ?? '' },
      });
    }
    if (!this.deps.engines) {
      throw new HttpError(
        409,
        'ha_engines_off',
        'Gatehouse does not run keepalived on this node (GATEHOUSE_HA_ENGINES=off): fail over with keepalived itself',
        { params: { node } },
      );
    }
    return { node, peer: names.find((n) => n !== node) as string, model, engines: this.deps.engines };
  }

  private async held(model: GatewayModel): Promise<Array<'wan' | 'lan'>> {
    return vrrpStates(model, await this.deps.interfaces())
      .filter((i) => i.state === 'master')
      .map((i) => i.name);
  }

  /** An engine command that failed (systemctl refused) is a 502 that says what keepalived's unit answered. */
  private async engine(action: 'stop' | 'start', run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new HttpError(502, 'ha_engine_failed', `could not ${action} keepalived: ${detail}`, {
        params: { action, detail },
      });
    }
  }

  async failover(actor: string, comment = ''): Promise<PairFailoverResult> {
    const { node, peer, model, engines } = this.pair();
    const released = await this.held(model);
    if (released.length === 0) {
      throw new HttpError(409, 'not_master', `${node} holds no virtual address: there is nothing to fail over`, {
        params: { node },
      });
    }
    await this.engine('stop', () => engines.holdKeepalived());
    let stillHeld = await this.held(model);
    const end = Date.now() + (this.deps.releaseTimeoutMs ?? 5000);
    while (stillHeld.length > 0 && Date.now() < end) {
      await sleep(100);
      stillHeld = await this.held(model);
    }
    const data = { kind: 'failover_by_hand', node, peer, released, stillHeld, actor };
    this.deps.audit.record(actor, 'pair.failover', `node:${node}`, { peer, released, stillHeld, comment });
    this.deps.hub.publish('pair', data);
    return { node, peer, released, stillHeld };
  }

  async resume(actor: string, comment = ''): Promise<PairResumeResult> {
    const { node, engines } = this.pair();
    const started = engines.keepalivedHeld;
    await this.engine('start', () => engines.resumeKeepalived());
    this.deps.audit.record(actor, 'pair.resume', `node:${node}`, { started, comment });
    this.deps.hub.publish('pair', { kind: 'resume', node, started, actor });
    return { node, started };
  }
}
