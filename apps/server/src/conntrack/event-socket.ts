/**
 * Gives a running `conntrack -E` the netlink receive buffer `-b` asks for.
 *
 * conntrack 1.4.6-1.4.8 apply `-b` with SO_RCVBUFFORCE to their query
 * socket, not to the socket the events come in by (conntrack.c sets it on
 * sock->mnl, not event_sock->mnl; /proc/net/netlink and `ss -m` show the
 * subscribed socket at the default 212 KB). That socket holds ~70-300
 * events: a reader held up for ~10-50 ms of a 10,000 flows/s burst (a busy
 * box, a busy server behind its pipe) lost events, and each loss cost a
 * dump of the whole table (bench 15.3c, 15.2).
 *
 * So the server sets it itself: as root it may take a copy of another
 * process's file descriptor (pidfd_getfd(2), Linux 5.6) and set the option
 * on the socket that copy refers to. A perl script (Debian's perl-base is
 * essential; no shell, arguments as an array) finds the process's netlink
 * sockets of NETLINK_NETFILTER that are subscribed to groups (from
 * /proc/PID/net/netlink, matched by inode to /proc/PID/fd) and sets
 * SO_RCVBUFFORCE on each. pidfd_open and pidfd_getfd have the same numbers
 * (434, 438) on every architecture. Where any of it is refused, the socket
 * keeps its size and losses are reported and repaired as before.
 *
 * A socket that overflowed stays "congested" until conntrack has read it
 * empty, and the kernel drops every event meanwhile but reports ENOBUFS only
 * once: with a large buffer that can be seconds, and a repairing dump that
 * ended within them missed what came after it (a 1M-flow flush, then new
 * flows: the index kept 3 of 1,000). The socket's drop counter
 * (/proc/PID/net/netlink) counts every one: `socketDrops` reads it.
 */
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Runner, StreamedProcess } from '@gatehouse/rules';

const SCRIPT = String.raw`
my ($pid, $n) = map { $_ + 0 } @ARGV;
my %groups;
open(my $f, '<', "/proc/$pid/net/netlink") or die "netlink: $!\n";
<$f>;
while (<$f>) { my @c = split; $groups{$c[9]} = hex($c[3]) if $c[1] == 12; }
my $pidfd = syscall(434, $pid, 0);
die "pidfd_open: $!\n" if $pidfd < 0;
opendir(my $d, "/proc/$pid/fd") or die "fd: $!\n";
my @set;
for my $fd (grep { /^\d+$/ } readdir $d) {
  my $l = readlink("/proc/$pid/fd/$fd");
  next unless defined $l && $l =~ /^socket:\[(\d+)\]$/ && $groups{$1};
  my $copy = syscall(438, $pidfd, $fd + 0, 0);
  die "pidfd_getfd: $!\n" if $copy < 0;
  open(my $s, '+<&=', $copy) or die "fd $copy: $!\n";
  setsockopt($s, 1, 33, $n) or die "SO_RCVBUFFORCE: $!\n";
  push @set, $1;
}
print "@set\n";
`;

/** How often the subscribed socket is looked for while conntrack starts (it opens it within milliseconds). */
const TRIES = 20;
const TRY_EVERY_MS = 50;

/** The event sockets of a `conntrack -E`: its pid and their inodes. */
export interface EventSockets {
  pid: number;
  inodes: string[];
}

/**
 * Sets the event socket of `conntrack -E` (pid) to `bytes` (the kernel
 * doubles it); resolves to the sockets set (none: not found or refused,
 * with why in `error`).
 */
export async function sizeEventSocket(
  runner: Runner,
  pid: number,
  bytes: number,
): Promise<{ sockets: EventSockets | null; error?: string }> {
  let error: string | undefined;
  for (let i = 0; i < TRIES; i++) {
    const r = await runner.run('perl', ['-e', SCRIPT, String(pid), String(bytes)], { reject: false });
    const inodes = r.stdout.trim().split(/\s+/).filter(Boolean);
    if (r.exitCode === 0 && inodes.length > 0) return { sockets: { pid, inodes } };
    error = r.exitCode === 0 ? 'no subscribed netlink socket yet' : r.stderr.trim() || `exit ${r.exitCode}`;
    // A refusal will not change: only a socket not opened yet is worth waiting for.
    if (r.exitCode !== 0 && !/netlink|fd:/.test(error)) break;
    await new Promise((resolve) => setTimeout(resolve, TRY_EVERY_MS));
  }
  return { sockets: null, ...(error ? { error } : {}) };
}

/** Events the kernel dropped on these sockets so far (sk_drops), or null when they are gone. */
export function socketDrops(s: EventSockets): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${s.pid}/net/netlink`, 'utf8');
  } catch {
    return null;
  }
  let drops = 0;
  let found = 0;
  for (const line of text.split('\n')) {
    const c = line.trim().split(/\s+/);
    if (c[9] !== undefined && s.inodes.includes(c[9])) {
      drops += Number(c[8]);
      found++;
    }
  }
  return found > 0 ? drops : null;
}

/**
 * The nice value of a `conntrack -E` whose socket could not be sized: it
 * holds ~70-300 events, so conntrack gets the cores before the server to
 * read it in time (needs CAP_SYS_NICE; else it stays as it is).
 */
export const UNSIZED_PRIORITY = -5;

/** How often a watched socket's drop counter is read. */
const DROPS_POLL_MS = 500;

/**
 * Sizes the event socket of a running `conntrack -E` and watches its drop
 * counter while `current()` says the stream is still the one in use: a
 * rise is a loss (`lost`), reported or not as ENOBUFS. `unsized`: the
 * socket could not be sized (nor watched), and why; conntrack then runs at
 * UNSIZED_PRIORITY.
 */
export function watchEventSocket(
  runner: Runner,
  proc: StreamedProcess,
  bytes: number,
  on: { current(): boolean; lost(): void; unsized(error: string | undefined): void },
): void {
  if (proc.pid === undefined) return;
  void sizeEventSocket(runner, proc.pid, bytes).then(({ sockets, error }) => {
    if (!on.current()) return;
    if (!sockets) {
      try {
        setPriority(proc.pid as number, UNSIZED_PRIORITY);
      } catch {
        // Not allowed: losses are reported and repaired as they come.
      }
      on.unsized(error);
      return;
    }
    let seen = socketDrops(sockets) ?? 0;
    const timer = setInterval(() => {
      const drops = on.current() ? socketDrops(sockets) : null;
      if (drops === null) {
        clearInterval(timer);
        return;
      }
      if (drops > seen) on.lost();
      seen = drops;
    }, DROPS_POLL_MS);
    timer.unref();
  });
}
