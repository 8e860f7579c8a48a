/**
 * The FTP doctor: for each enabled forward that exposes an FTP control port,
 * the six checks of issue #13 (kernel.ts, helper-scope.ts, live-evidence.ts,
 * passive-only.ts, probe.ts, heuristics.ts), each OK / warning / failure
 * with evidence and a fix; and the same pattern for the helper family's
 * second member, TFTP (tftp-checks.ts: kernel, helper scope, live evidence,
 * probe), for each enabled UDP forward exposing a TFTP port. This file is
 * the one orchestrator: it gathers the facts once per diagnosis (kernel and
 * interfaces once, each probe once per server and port, all in parallel)
 * and hands them to the checks' pure verdicts.
 */
import type { GatewayModel, HelperKind, Runner } from '@gatehouse/rules';
import type { ConntrackService } from '../../conntrack/service.js';
import type { FtpDiagnosis, FtpForwardDiagnosis, TftpForwardDiagnosis } from '../../schemas/ftp-diagnosis.js';
import type { GatewayService } from '../gateway.js';
import { FtpActivity } from './activity.js';
import { type FtpForward, ftpForwards, helperPolicy } from './forwards.js';
import { helperCovers, helperScopeCheck } from './helper-scope.js';
import { heuristicsCheck } from './heuristics.js';
import { kernelCheck, readHelperKernel, readKernelFacts } from './kernel.js';
import { liveEvidenceCheck } from './live-evidence.js';
import { passiveOnlyCheck, readDropCounter } from './passive-only.js';
import { type ProbeTranscript, probeCheck, runProbe, summarizeProbe } from './probe.js';
import { worst } from './texts.js';
import { TftpActivity, type TftpServerActivity } from './tftp-activity.js';
import { tftpHelperCovers, tftpKernelCheck, tftpLiveCheck, tftpProbeCheck, tftpScopeCheck } from './tftp-checks.js';
import { type TftpForward, tftpForwards } from './tftp-forwards.js';
import { runTftpProbe, type TftpProbeResult } from './tftp-probe.js';

export interface FtpDoctorParts {
  gateway: GatewayService;
  conntrack: ConntrackService;
  runner: Runner;
  now?: () => number;
}

/** How often the records re-read which server ports are each kind's. */
const SERVED_MAX_AGE_MS = 2000;
const SERVED_MISS_AGE_MS = 200;

type Served = Map<number, ReadonlySet<string>>;

/** port -> the servers a kind's forwards expose it on: looked up per event without building a key. */
function servedOf(pairs: Iterable<{ server: string; port: number }>): Served {
  const m = new Map<number, Set<string>>();
  for (const { server, port } of pairs) {
    let s = m.get(port);
    if (!s) {
      s = new Set();
      m.set(port, s);
    }
    s.add(server);
  }
  return m;
}

export class FtpDoctor {
  readonly activity: FtpActivity;
  readonly tftpActivity: TftpActivity;
  private served: Record<HelperKind, Served> = { ftp: new Map(), tftp: new Map() };
  private servedAt = Number.NEGATIVE_INFINITY;
  /** The desired version and applied revision the sets were made from. */
  private servedModels = '';
  private unwatch: (() => void) | null = null;
  private running: Promise<FtpDiagnosis> | null = null;
  private readonly now: () => number;

  constructor(private readonly p: FtpDoctorParts) {
    this.now = p.now ?? Date.now;
    this.activity = new FtpActivity(
      (server, port) => this.isServed('ftp', server, port),
      this.now,
      (id) => p.conntrack.table.flows.get(id),
    );
    this.tftpActivity = new TftpActivity((server, port) => this.isServed('tftp', server, port), this.now);
  }

  /** Starts recording FTP and TFTP activity from the conntrack events. */
  start(): void {
    this.unwatch ??= this.p.conntrack.watch({
      flow: (type, e) => {
        this.activity.flow(type, e);
        this.tftpActivity.flow(type, e);
      },
      expectation: (type, x) => {
        this.activity.expectation(type, x);
        this.tftpActivity.expectation(type, x);
      },
    });
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = null;
  }

  private models(): { desired: GatewayModel; applied: GatewayModel | null } {
    const desired = this.p.gateway.desired().model;
    const applied = this.p.gateway.revisionModel(this.p.gateway.activeRevision());
    return { desired, applied };
  }

  /** Whether a forward exposes server:port as one of the kind's ports; the sets are re-read when old (or sooner on a miss). */
  private isServed(kind: HelperKind, server: string, port: number): boolean {
    const hit = this.served[kind].get(port)?.has(server) === true;
    const age = this.now() - this.servedAt;
    // A miss re-reads sooner: a forward added a moment ago is not missed.
    if (age <= SERVED_MAX_AGE_MS && (hit || age <= SERVED_MISS_AGE_MS)) return hit;
    this.refreshServed();
    return this.served[kind].get(port)?.has(server) === true;
  }

  private refreshServed(): void {
    this.servedAt = this.now();
    try {
      // Two small reads; the forwards are walked again only when the desired
      // state or the applied revision changed (a model may hold 100,000 forwards).
      const desired = this.p.gateway.desired();
      const active = this.p.gateway.activeRevision();
      const models = `${desired.version}:${active?.id ?? '-'}`;
      if (models === this.servedModels) return;
      const applied = this.p.gateway.revisionModel(active);
      const both = applied ? [desired.model, applied] : [desired.model];
      this.served = {
        ftp: servedOf(both.flatMap(ftpForwards).map((f) => ({ server: f.server, port: f.controlPort }))),
        tftp: servedOf(both.flatMap(tftpForwards)),
      };
      this.servedModels = models;
    } catch {
      // keeps the last sets: a store error must not break the conntrack follower
    }
  }

  /**
   * One diagnosis at a time: requests arriving while one runs share it (each
   * probes every FTP server, so ten open tabs must not mean ten probes each).
   */
  diagnose(): Promise<FtpDiagnosis> {
    this.running ??= this.diagnoseNow().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async diagnoseNow(): Promise<FtpDiagnosis> {
    const { gateway, conntrack, runner } = this.p;
    const { desired, applied } = this.models();
    this.servedAt = Number.NEGATIVE_INFINITY;
    const active = gateway.activeRevision();
    const forwards = ftpForwards(desired);
    const wanName = (applied ?? desired).interfaces.wan;
    const probes = new Map<string, Promise<ProbeTranscript>>();
    for (const f of forwards) {
      const key = `${f.server}:${f.controlPort}`;
      if (!probes.has(key)) probes.set(key, runProbe(f.server, f.controlPort, runner, f.ftpsPassivePorts !== null));
    }
    const tftp = tftpForwards(desired);
    const tftpProbes = new Map<string, Promise<TftpProbeResult>>();
    for (const f of tftp) {
      const key = `${f.server}:${f.port}`;
      if (!tftpProbes.has(key)) tftpProbes.set(key, runTftpProbe(f.server, f.port, runner));
    }
    const [kernel, interfaces, helperObjectLive, dropPackets, , tftpKernel] = await Promise.all([
      readKernelFacts(runner),
      gateway.interfaces().catch(() => []),
      forwards.length + tftp.length > 0 ? gateway.helperObjectLive().catch(() => null) : Promise.resolve(null),
      applied ? readDropCounter(applied, runner) : Promise.resolve(null),
      conntrack.fresh().catch(() => undefined),
      tftp.length > 0 ? readHelperKernel(runner, 'tftp') : Promise.resolve(null),
    ]);
    const publicAddresses = (interfaces.find((i) => i.name === wanName)?.addresses ?? []).map(
      (a) => a.split('/')[0] as string,
    );
    const kernelResult = kernelCheck(kernel);
    const desiredDiffers = gateway.desiredDiffersFromApplied();
    const items: FtpForwardDiagnosis[] = [];
    for (const f of forwards) {
      const transcript = await (probes.get(`${f.server}:${f.controlPort}`) as Promise<ProbeTranscript>);
      const probe = summarizeProbe(transcript, f.server, publicAddresses);
      const activity = this.activity.activity(f.server, f.controlPort);
      const checks = [
        kernelResult,
        helperScopeCheck(f, {
          applied: applied && active ? { revision: active.id, at: active.createdAt, model: applied } : null,
          desiredDiffers,
          desiredCovers: helperCovers(desired, f.server, f.controlPort),
          helperObjectLive,
        }),
        liveEvidenceCheck(f, {
          activity,
          // The live table only when nothing was recorded (the server does not follow the events).
          live: activity.flows > 0 ? { flows: 0, withHelper: 0 } : this.liveControlFlows(f),
          since: this.activity.since,
        }),
        passiveOnlyCheck({
          passiveOnly: applied ? helperPolicy(applied).passiveOnly : false,
          dropPackets,
          activeAttempts: activity.activeAttempts,
          announcesPublic: probe.announces === 'public',
        }),
        probeCheck(f, transcript, publicAddresses),
        heuristicsCheck(f, {
          controls: this.activity.controlFlows(f.server, f.controlPort),
          strays: this.activity.strayConnections(),
          now: this.now(),
          authTls: probe.banner === null ? null : probe.authTls,
        }),
      ];
      items.push({ ...f, status: worst(checks.map((c) => c.status)), checks });
    }
    const tftpItems: TftpForwardDiagnosis[] = [];
    for (const f of tftp) {
      const probe = await (tftpProbes.get(`${f.server}:${f.port}`) as Promise<TftpProbeResult>);
      const checks = [
        tftpKernelCheck(tftpKernel ?? { conntrack: null, nat: null, helperLoads: null }),
        tftpScopeCheck(f, {
          applied: applied && active ? { revision: active.id, at: active.createdAt, model: applied } : null,
          desiredDiffers,
          desiredCovers: tftpHelperCovers(desired, f.server, f.port),
          helperObjectLive,
        }),
        tftpLiveCheck(f, this.tftpRequests(f), this.tftpActivity.since),
        tftpProbeCheck(f, probe),
      ];
      tftpItems.push({ ...f, status: worst(checks.map((c) => c.status)), checks });
    }
    const tftpStatus = worst(tftpItems.map((i) => i.status));
    return {
      at: new Date(this.now()).toISOString(),
      appliedRevision: active?.id ?? null,
      status: worst([...items.map((i) => i.status), tftpStatus]),
      forwards: items,
      tftp: { status: tftpStatus, forwards: tftpItems },
    };
  }

  /** The record of TFTP requests, or, when nothing was recorded (the server does not follow the events), the live table's. */
  private tftpRequests(f: TftpForward): TftpServerActivity {
    const recorded = this.tftpActivity.activity(f.server, f.port);
    if (recorded.flows > 0) return recorded;
    let flows = 0;
    let withHelper = 0;
    for (const e of this.p.conntrack.table.flows.values()) {
      if (e.protonum !== 17 || e.reply.src !== f.server || e.reply.sport !== f.port || e.original.dst === f.server) {
        continue;
      }
      flows++;
      if (e.helper) withHelper++;
    }
    return { ...recorded, flows, withHelper, lastHadHelper: flows === 0 ? null : withHelper === flows };
  }

  /** Control connections to the forward's server and port in the live table now (DNATed, so through a forward). */
  private liveControlFlows(f: FtpForward): { flows: number; withHelper: number } {
    let flows = 0;
    let withHelper = 0;
    for (const e of this.p.conntrack.table.flows.values()) {
      if (e.protonum !== 6 || e.reply.src !== f.server || e.reply.sport !== f.controlPort) continue;
      if (e.original.dst === f.server) continue;
      flows++;
      if (e.helper) withHelper++;
    }
    return { flows, withHelper };
  }
}
