/**
 * What the notify hook does on each VRRP transition: the standard
 * primary-backup sequence of conntrack-tools (doc/sync/primary-backup.sh),
 * as conntrackd argument arrays (no shell). The hook itself (the server's
 * ha-notify command) runs them in order and reports each result.
 */
export type HaTransition = 'primary' | 'backup' | 'fault';

export interface NotifyStep {
  /** conntrackd's arguments after `-C <config>`. */
  args: string[];
  /** What the step is for, in the log and the audit entry. */
  why: string;
}

export function notifySteps(transition: HaTransition): NotifyStep[] {
  switch (transition) {
    case 'primary':
      return [
        // conntrackd 1.4.7: `-c` commits every external cache, flows and expectations.
        {
          args: ['-c'],
          why: 'commit the external caches (the peer’s flows and expectations) into the kernel tables',
        },
        { args: ['-f'], why: 'flush the internal and external caches' },
        { args: ['-R'], why: 'resynchronise the internal cache with the kernel table' },
        { args: ['-B'], why: 'send a bulk update to the peer' },
      ];
    case 'backup':
      return [
        { args: ['-t'], why: 'shorten the kernel timers of the flows this node no longer carries' },
        { args: ['-n'], why: 'request a resynchronisation from the new primary' },
      ];
    case 'fault':
      return [{ args: ['-t'], why: 'shorten the kernel timers of the flows this node no longer carries' }];
  }
}

/** conntrackd's full argument array for a step. */
export function notifyArgs(configPath: string, step: NotifyStep): string[] {
  return ['-C', configPath, ...step.args];
}
