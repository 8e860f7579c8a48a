/**
 * The gateway namespace's conntrack settings the panel reads and sets:
 * accounting (per-flow packet/byte counters and start stamps) and TCP
 * pickup (loose or strict). Every command goes through the Runner.
 */
import { CONNTRACK_ACCOUNTING_SYSCTLS, type Runner } from '@gatehouse/rules';

export class ConntrackSysctls {
  constructor(private readonly runner: Runner) {}

  /** net.netfilter.nf_conntrack_tcp_loose in the gateway namespace (null if unreadable). */
  async tcpLoose(): Promise<boolean | null> {
    const r = await this.runner.run('sysctl', ['-n', 'net.netfilter.nf_conntrack_tcp_loose'], { reject: false });
    return r.exitCode === 0 ? r.stdout.trim() !== '0' : null;
  }

  /** Turns on per-flow packet/byte counters and start timestamps in this namespace (boot: persistence.ts). */
  async enableAccounting(): Promise<void> {
    await this.runner.run('sysctl', ['-w', ...CONNTRACK_ACCOUNTING_SYSCTLS.map((k) => `${k}=1`)]);
  }

  /** Whether the kernel counts packets and bytes and stamps flow starts (null when unreadable). */
  async accounting(): Promise<{ counters: boolean | null; timestamps: boolean | null }> {
    const r = await this.runner.run('sysctl', ['-n', ...CONNTRACK_ACCOUNTING_SYSCTLS], { reject: false });
    const [acct, ts] = r.stdout.trim().split('\n');
    const on = (v: string | undefined) => (r.exitCode === 0 && v !== undefined ? v.trim() === '1' : null);
    return { counters: on(acct), timestamps: on(ts) };
  }

  /** Loose pickup off: a killed TCP flow's next packet is invalid, not a new flow (config strictTcpPickup). */
  async setStrictTcpPickup(): Promise<void> {
    await this.runner.run('sysctl', ['-w', 'net.netfilter.nf_conntrack_tcp_loose=0']);
  }
}
