/**
 * The `gatehouse` commands. Each is a thin layer over one API route; the
 * server does every check (the same zod model as the UI), and its field
 * problems are printed as they come. `main()` takes its input and output as
 * arguments, so tests run it in-process against a real server.
 */
import type { Api, ApiBody } from '@gatehouse/server/schemas';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type ApplyOptions, type ApplyOutput, applyAndConfirm } from './apply.js';
import { ApiError, Client } from './client.js';
import { configPath, readConfig, writeConfig } from './config.js';
import { formatFtpDiagnosis } from './ftp-doctor.js';
import { formatProposal } from './import.js';
import { table, tuple } from './output.js';
import { describePairEvent, formatPairStatus } from './pair.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Ends `gatehouse events` (Ctrl-C, or a test). */
  signal?: AbortSignal;
}

const intArg = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be ${min}-${max}`);
  return n;
};
const listArg = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** The query of a change with --apply (and --degraded: a pair node whose peer is unreachable applies alone). */
function applyQuery(o: { apply?: boolean; degraded?: boolean }): string {
  if (o.degraded && !o.apply) throw new CommanderError(2, 'gatehouse.usage', '--degraded needs --apply');
  const q = new URLSearchParams();
  if (o.apply) q.set('apply', 'true');
  if (o.degraded) q.set('degraded', 'true');
  return q.size ? `?${q}` : '';
}
const DEGRADED_HELP = 'an HA pair whose peer is unreachable: apply on this node alone (else 409 pair_degraded)';

function buildProgram(io: Io): Command {
  const program = new Command('gatehouse')
    .description('Command-line client of the Gatehouse HTTP API (a Linux NAT gateway on nftables)')
    .option('--json', 'print the API JSON instead of tables')
    .option('--url <url>', 'server URL (overrides GATEHOUSE_URL and the login file)')
    .option('--token <token>', 'API token (overrides GATEHOUSE_TOKEN and the login file)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  const json = (cmd: Command): boolean => Boolean(cmd.optsWithGlobals().json);
  const print = (cmd: Command, value: unknown, human: () => string) => {
    io.out(json(cmd) ? `${JSON.stringify(value, null, 2)}\n` : human());
  };
  async function client(cmd: Command): Promise<Client> {
    const g = cmd.optsWithGlobals() as { url?: string; token?: string };
    const stored = await readConfig(io.env);
    const url = g.url ?? stored.url;
    const token = g.token ?? stored.token;
    if (!url || !token) {
      throw new CommanderError(
        2,
        'gatehouse.login',
        'not logged in: run `gatehouse login --url URL --token TOKEN` (or set GATEHOUSE_URL and GATEHOUSE_TOKEN)',
      );
    }
    return new Client(url, token);
  }

  program
    .command('login')
    .description('check a URL and API token against the server and store them (mode 0600)')
    .usage('--url URL --token TOKEN')
    .action(async (_o, cmd: Command) => {
      // --url and --token are the program's own options (they work on every command); login stores them.
      const { url, token } = cmd.optsWithGlobals() as { url?: string; token?: string };
      if (!url || !token) throw new CommanderError(2, 'gatehouse.usage', 'login needs --url URL --token TOKEN');
      const me = await new Client(url, token).get<Api['Me']>('/auth/me');
      const path = await writeConfig({ url, token }, io.env);
      print(cmd, { ...me.body, url, configPath: path }, () => {
        return `logged in to ${url} as ${me.body.username} (${me.body.role}); saved in ${path}\n`;
      });
    });

  const forwards = program.command('forwards').description('port forwards of the desired model');
  forwards
    .command('list')
    .description('list the port forwards')
    .action(async (_o, cmd: Command) => {
      const r = await (await client(cmd)).get<Api['ForwardList']>('/forwards');
      print(cmd, r.body, () =>
        table(
          ['ID', 'NAME', 'PROTO', 'PUBLIC', 'TARGET', 'SOURCES', 'ENABLED'],
          r.body.items.map((f) => [
            f.id,
            f.name,
            f.protocol,
            f.publicPorts,
            f.targetPort ? `${f.target}:${f.targetPort}` : f.target,
            f.allowedSources.join(',') || 'any',
            f.enabled ? 'yes' : 'no',
          ]),
        ),
      );
    });
  forwards
    .command('add')
    .description('add a port forward (checked by the server against the whole model)')
    .requiredOption('--id <id>', 'short id, e.g. web')
    .requiredOption('--ports <ports>', 'public ports: 80, 8000-8100 or 80,443')
    .requiredOption('--target <address>', 'private IPv4 address of the server')
    .option('--name <name>', 'what it is (default: the id)')
    .addOption(new Option('--protocol <protocol>', 'tcp, udp or both').choices(['tcp', 'udp', 'both']).default('tcp'))
    .option(
      '--target-port <port>',
      'another port on the server (a range is shifted)',
      intArg('--target-port', 1, 65535),
    )
    .option('--source <prefix>', 'allowed source prefix (repeat or comma-separate; default anyone)', listArg)
    .option('--comment <text>', 'a note')
    .option(
      '--ftps-passive <range>',
      "FTPS (encrypted control channel): the server's passive range, e.g. 40000-40009, forwarded as is; the server must announce the public address (vsftpd pasv_address, proftpd MasqueradeAddress, pure-ftpd -P)",
    )
    .addOption(
      new Option('--reflection <on|off>', 'NAT reflection for this forward (default: the gateway setting)').choices([
        'on',
        'off',
      ]),
    )
    .option('--disabled', 'add it switched off')
    .option('--apply', 'apply the change at once')
    .option('--degraded', DEGRADED_HELP)
    .action(async (o, cmd: Command) => {
      const body: ApiBody['PortForward'] = {
        id: o.id,
        name: o.name ?? o.id,
        enabled: !o.disabled,
        protocol: o.protocol,
        publicPorts: o.ports,
        target: o.target,
        targetPort: o.targetPort,
        allowedSources: o.source ?? [],
        comment: o.comment,
        ...(o.ftpsPassive !== undefined ? { ftps: { passivePorts: o.ftpsPassive } } : {}),
        ...(o.reflection !== undefined ? { reflection: o.reflection === 'on' } : {}),
      };
      const r = await (await client(cmd)).request<Api['PortForward']>('POST', `/forwards${applyQuery(o)}`, {
        body,
      });
      const rev = r.headers.get('x-gatehouse-revision');
      print(cmd, r.body, () => `added forward ${r.body.id}${rev ? ` (applied: revision ${rev})` : ''}\n`);
    });
  forwards
    .command('remove')
    .alias('rm')
    .description('remove a port forward')
    .argument('<id>', 'the forward id')
    .option('--apply', 'apply the change at once')
    .option('--degraded', DEGRADED_HELP)
    .action(async (id: string, o: { apply?: boolean; degraded?: boolean }, cmd: Command) => {
      const r = await (await client(cmd)).request<Api['Ok']>(
        'DELETE',
        `/forwards/${encodeURIComponent(id)}${applyQuery(o)}`,
      );
      const rev = r.headers.get('x-gatehouse-revision');
      print(cmd, { ...r.body, id }, () => `removed forward ${id}${rev ? ` (applied: revision ${rev})` : ''}\n`);
    });

  const ftp = program.command('ftp').description('the FTP conntrack helper policy');
  const ftpLines = (p: Api['FtpHelperPolicy']) =>
    `${table(
      ['ENABLED', 'CONTROL PORTS', 'SERVERS', 'PASSIVE ONLY'],
      [
        [
          p.enabled ? 'yes' : 'no',
          p.controlPorts.join(','),
          p.servers.join(',') || 'every forwarded server',
          p.passiveOnly ? 'yes' : 'no',
        ],
      ],
    )}`;
  ftp
    .command('show')
    .description('show the FTP helper policy')
    .action(async (_o, cmd: Command) => {
      const r = await (await client(cmd)).get<Api['FtpHelperPolicy']>('/ftp');
      print(cmd, r.body, () => ftpLines(r.body));
    });
  ftp
    .command('set')
    .description('change the FTP helper policy (unnamed settings keep their value)')
    .option('--enabled', 'turn the helper on')
    .option('--no-enabled', 'turn the helper off')
    .option('--passive-only', 'drop active-mode data connections')
    .option('--no-passive-only', 'allow active mode again')
    .option('--ports <ports>', 'control ports, e.g. 21,2121', (v) =>
      v.split(',').map((p) => intArg('--ports', 1, 65535)(p.trim())),
    )
    .option('--servers <addresses>', 'helper servers, comma-separated ("" = every forwarded server)')
    .action(async (o, cmd: Command) => {
      const c = await client(cmd);
      const current = await c.get<Api['FtpHelperPolicy']>('/ftp');
      const next: ApiBody['FtpHelperPolicy'] = {
        ...current.body,
        enabled: o.enabled ?? current.body.enabled,
        passiveOnly: o.passiveOnly ?? current.body.passiveOnly,
        controlPorts: o.ports ?? current.body.controlPorts,
        servers: o.servers === undefined ? current.body.servers : listArg(o.servers),
      };
      const r = await c.request<Api['FtpHelperPolicy']>('PUT', '/ftp', {
        body: next,
        headers: current.etag ? { 'if-match': current.etag } : {},
      });
      print(cmd, r.body, () => `FTP helper policy saved (apply to load it)\n${ftpLines(r.body)}`);
    });
  const tftp = program.command('tftp').description('the TFTP conntrack helper policy (UDP; same controls as ftp)');
  const tftpLines = (p: Api['TftpHelperPolicy']) =>
    table(
      ['ENABLED', 'PORTS', 'SERVERS'],
      [[p.enabled ? 'yes' : 'no', p.ports.join(','), p.servers.join(',') || 'every forwarded server']],
    );
  tftp
    .command('show')
    .description('show the TFTP helper policy')
    .action(async (_o, cmd: Command) => {
      const r = await (await client(cmd)).get<Api['TftpHelperPolicy']>('/tftp');
      print(cmd, r.body, () => tftpLines(r.body));
    });
  tftp
    .command('set')
    .description('change the TFTP helper policy (unnamed settings keep their value)')
    .option('--enabled', 'turn the helper on')
    .option('--no-enabled', 'turn the helper off')
    .option('--ports <ports>', 'server ports, e.g. 69', (v) =>
      v.split(',').map((p) => intArg('--ports', 1, 65535)(p.trim())),
    )
    .option('--servers <addresses>', 'helper servers, comma-separated ("" = every forwarded server)')
    .action(async (o, cmd: Command) => {
      const c = await client(cmd);
      const current = await c.get<Api['TftpHelperPolicy']>('/tftp');
      const next: ApiBody['TftpHelperPolicy'] = {
        enabled: o.enabled ?? current.body.enabled,
        ports: o.ports ?? current.body.ports,
        servers: o.servers === undefined ? current.body.servers : listArg(o.servers),
      };
      const r = await c.request<Api['TftpHelperPolicy']>('PUT', '/tftp', {
        body: next,
        headers: current.etag ? { 'if-match': current.etag } : {},
      });
      print(cmd, r.body, () => `TFTP helper policy saved (apply to load it)\n${tftpLines(r.body)}`);
    });
  ftp
    .command('doctor')
    .description(
      'diagnose FTP and TFTP through the gateway: a checklist per FTP or TFTP forward (exit 1 when a check fails)',
    )
    .action(async (_o, cmd: Command) => {
      const r = await (await client(cmd)).get<Api['FtpDiagnosis']>('/ftp/diagnosis');
      print(cmd, r.body, () => formatFtpDiagnosis(r.body));
      if (r.body.status === 'failure')
        throw new CommanderError(1, 'gatehouse.ftp_doctor', 'FTP doctor: a check failed');
    });

  program
    .command('preview')
    .description('the script an apply would load, and its diff against the applied revision')
    .option('--script', 'print the whole script instead of the diff')
    .action(async (o: { script?: boolean }, cmd: Command) => {
      const r = await (await client(cmd)).get<Api['Preview']>('/preview');
      const p = r.body;
      print(cmd, p, () => {
        const lines: string[] = [];
        if (o.script) lines.push(p.script.trimEnd());
        else if (p.changed) lines.push(p.diff.trimEnd());
        else lines.push(`no changes: the desired model is what revision ${p.appliedRevision ?? '(none)'} loaded`);
        if (p.drift?.missing) lines.push('drift: the table is missing from the kernel');
        else if (p.drift?.drifted) lines.push('drift: the live table was changed outside Gatehouse');
        for (const l of p.lockout) lines.push(`lockout: ${l.reason}`);
        return `${lines.join('\n')}\n`;
      });
    });

  const output = (cmd: Command): ApplyOutput => ({ print: (v, human) => print(cmd, v, human), err: io.err });
  /** The options of `apply` and `rollback`: both load a revision and confirm it the same way. */
  const applyCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .option(
        '--confirm-within <seconds>',
        'the confirmation window (default 30)',
        intArg('--confirm-within', 10, 3600),
      )
      .option('--manual-confirm', 'apply provisionally and leave the confirmation to `gatehouse confirm`')
      .option('--no-confirm', 'apply without confirmation: no window, no automatic rollback')
      .option('--force', 'apply even if it would cut off the connection the panel is reached through')
      .option('--comment <text>', 'recorded with the revision')
      .option('--degraded', `${DEGRADED_HELP}; the confirmation too`);

  applyCommand(
    'apply',
    'apply the desired model provisionally, then confirm it over a new connection to the panel; if none gets through, the server rolls it back at the deadline',
  ).action(async (o: ApplyOptions, cmd: Command) => applyAndConfirm(await client(cmd), '/apply', o, output(cmd)));
  applyCommand(
    'rollback',
    'apply an old revision again (a new revision; it also becomes the desired model), confirmed as apply is',
  )
    .argument('<revision>', 'the revision id (gatehouse history)', intArg('<revision>', 1, Number.MAX_SAFE_INTEGER))
    .action(async (revision: number, o: ApplyOptions, cmd: Command) =>
      applyAndConfirm(await client(cmd), `/revisions/${revision}/rollback`, o, output(cmd)),
    );
  program
    .command('rollback-now')
    .description('undo the provisional apply now instead of at its deadline (the desired model keeps the change)')
    .option('--degraded', 'an HA pair whose peer is unreachable: undo it on this node alone')
    .action(async (o: { degraded?: boolean }, cmd: Command) => {
      const r = await (await client(cmd)).request<Api['RestoreResult']>(
        'POST',
        `/apply/rollback-now${o.degraded ? '?degraded=true' : ''}`,
      );
      print(
        cmd,
        r.body,
        () => `rolled back now: revision ${r.body.revisionId ?? '-'} restores revision ${r.body.restoredFrom ?? '-'}\n`,
      );
    });

  program
    .command('confirm')
    .description('keep the provisional apply (stops the automatic rollback)')
    .option('--degraded', 'an HA pair whose peer is unreachable: confirm on this node alone')
    .action(async (o: { degraded?: boolean }, cmd: Command) => {
      const r = await (await client(cmd)).request<Api['ConfirmResult']>(
        'POST',
        `/apply/confirm${o.degraded ? '?degraded=true' : ''}`,
      );
      print(cmd, r.body, () => `confirmed revision ${r.body.revision.id}\n`);
    });

  program
    .command('conntrack')
    .description('connections in the conntrack table (one page)')
    .option('--protocol <protocol>', 'tcp, udp, icmp or a number')
    .option('--address <address>', 'any address of either tuple')
    .option('--port <port>', 'any port of either tuple', intArg('--port', 0, 65535))
    .option('--state <state>', 'e.g. ESTABLISHED')
    .option('--helper <helper>', 'helper name, or none')
    .option('--limit <n>', 'page size (1-1000)', intArg('--limit', 1, 1000))
    .option('--node <name>', "on an HA pair: this node's table (default) or the peer's, by node name")
    .action(async (o: Record<string, string | number | undefined>, cmd: Command) => {
      const q = new URLSearchParams();
      for (const k of ['protocol', 'address', 'port', 'state', 'helper', 'limit', 'node']) {
        if (o[k] !== undefined) q.set(k, String(o[k]));
      }
      const r = await (await client(cmd)).get<Api['FlowPage']>(`/conntrack${q.size ? `?${q}` : ''}`);
      print(
        cmd,
        r.body,
        () =>
          `${table(
            ['ID', 'PROTO', 'STATE', 'ORIGINAL', 'REPLY', 'HELPER', 'TIMEOUT'],
            r.body.items.map((f) => [
              f.id,
              f.protocol,
              f.state,
              tuple(f.original),
              tuple(f.reply),
              f.helper ?? (f.masterId ? `related to ${f.masterId}` : null),
              f.timeout,
            ]),
          )}${r.body.items.length} of ${r.body.total} flows\n`,
      );
    });

  program
    .command('expectations')
    .description('the expectation table (data connections announced by helpers)')
    .option('--node <name>', "on an HA pair: this node's table (default) or the peer's, by node name")
    .action(async (o: { node?: string }, cmd: Command) => {
      const q = o.node ? `?${new URLSearchParams({ node: o.node })}` : '';
      const r = await (await client(cmd)).get<Api['ExpectationList']>(`/expectations${q}`);
      print(cmd, r.body, () =>
        table(
          ['ID', 'PROTO', 'EXPECTED', 'HELPER', 'CONTROL FLOW', 'TIMEOUT'],
          r.body.items.map((x) => [x.id, x.protocol, tuple(x.expected), x.helper, x.masterId, x.timeout]),
        ),
      );
    });

  program
    .command('events')
    .description('follow the event stream: one line per event (Ctrl-C ends it)')
    .action(async (_o, cmd: Command) => {
      const asJson = json(cmd);
      await (await client(cmd)).follow(
        '/events',
        (event, data) => {
          if (asJson) {
            io.out(`${JSON.stringify({ event, data })}\n`);
            return;
          }
          for (const line of describeEvent(event, data)) io.out(`${new Date().toISOString()} ${line}\n`);
        },
        io.signal,
      );
    });

  const imp = program
    .command('import')
    .description('take over a gateway configured by firewall4, firewalld, iptables-nft or by hand');
  imp
    .command('show')
    .description('the proposal read from the live ruleset: summary, tables read, notes, equivalence report')
    .action(async (_o, cmd: Command) => {
      const r = await (await client(cmd)).get<Api['ImportProposal']>('/import/proposal');
      print(cmd, r.body, () => formatProposal(r.body));
    });
  imp
    .command('adopt')
    .description('make the live proposal the desired model; --retire deletes a table it read in the next apply')
    .option('--retire <family:name>', 'a table to retire, e.g. ip:my_nat (repeat or comma-separate)', listArg)
    .action(async (o: { retire?: string[] }, cmd: Command) => {
      const c = await client(cmd);
      const proposal = await c.get<Api['ImportProposal']>('/import/proposal');
      const retire = (o.retire ?? []).map((t) => {
        const [family = '', name = ''] = t.split(':');
        return { family, name };
      });
      const r = await c.request<Api['ImportAdoptResult']>('POST', '/import/adopt', {
        body: { retire } as ApiBody['ImportAdoptBody'],
        headers: { 'if-match': proposal.etag ?? '' },
      });
      print(cmd, r.body, () => {
        const tables = r.body.retire.map((t) => `${t.family} ${t.name}`).join(', ');
        return `adopted as desired version ${r.body.version}${tables ? `; the next apply retires ${tables}` : ''} (gatehouse apply)\n`;
      });
    });
  imp
    .command('cancel')
    .description('retire nothing at the next apply (the adopted model stays)')
    .action(async (_o, cmd: Command) => {
      const r = await (await client(cmd)).request<Api['PendingTakeover']>('DELETE', '/import/takeover');
      print(cmd, r.body, () => 'the next apply retires nothing\n');
    });

  const pair = program.command('pair').description('the HA pair as this node sees it; fail over by hand');
  pair
    .command('status')
    .description('which node holds each virtual address, the peer, conntrackd sync')
    .action(async (_o, cmd: Command) => {
      const r = await (await client(cmd)).get<Api['PairStatus']>('/pair');
      print(cmd, r.body, () => formatPairStatus(r.body));
    });
  pair
    .command('failover')
    .description('this node gives up the virtual addresses (stops its keepalived) so the peer takes them')
    .option('--comment <text>', 'for the audit log')
    .action(async (o: { comment?: string }, cmd: Command) => {
      const r = await (await client(cmd)).request<Api['PairFailoverResult']>('POST', '/pair/failover', {
        body: { comment: o.comment ?? '' },
      });
      print(
        cmd,
        r.body,
        () =>
          `${r.body.node} released ${r.body.released.join(', ')} to ${r.body.peer}` +
          `${r.body.stillHeld.length ? `; still here: ${r.body.stillHeld.join(', ')}` : ''} (gatehouse pair resume takes part again)\n`,
      );
    });
  pair
    .command('resume')
    .description('take part in the pair again after a failover by hand (keepalived starts)')
    .option('--comment <text>', 'for the audit log')
    .action(async (o: { comment?: string }, cmd: Command) => {
      const r = await (await client(cmd)).request<Api['PairResumeResult']>('POST', '/pair/resume', {
        body: { comment: o.comment ?? '' },
      });
      print(cmd, r.body, () =>
        r.body.started ? `${r.body.node}: keepalived started\n` : `${r.body.node}: keepalived was not held down\n`,
      );
    });

  program
    .command('config-path')
    .description('where `gatehouse login` stores the URL and token')
    .action(() => io.out(`${configPath(io.env)}\n`));

  return program;
}

type Json = Record<string, unknown>;

/** One line per event; a batch of flow or expectation changes gives one line per change. */
export function describeEvent(event: string, data: unknown): string[] {
  const d = (data ?? {}) as Json;
  switch (event) {
    case 'flows':
    case 'expectations': {
      const changes = (d.events ?? []) as Array<{ type: string; row: Json }>;
      return changes.map((c) => {
        const t = (c.row.original ?? c.row.expected) as Parameters<typeof tuple>[0] | undefined;
        const what = event === 'flows' ? 'flow' : 'expectation';
        return `${what} ${c.type} ${c.row.id} ${c.row.protocol}${t ? ` ${tuple(t)}` : ''}${c.row.state ? ` ${c.row.state}` : ''}`;
      });
    }
    case 'apply':
    case 'rollback':
      return [
        `${event} revision ${d.revision} by ${d.author}${d.provisional ? ` (provisional until ${d.deadline})` : ''}${d.restoredFrom ? ` restoring ${d.restoredFrom}` : ''}`,
      ];
    case 'confirm':
      return [`confirm revision ${d.revision} by ${d.author}`];
    case 'drift':
      return [`drift ${d.state}`];
    case 'resync':
      return [`resync ${d.reason ?? ''}: events were lost; reload the tables`.replace(' :', ':')];
    case 'hello':
      return [`connected: ${d.flows} flows, ${d.expectations} expectations, drift ${d.drift}`];
    case 'pair':
      return [describePairEvent(d)];
    default:
      return [`${event} ${JSON.stringify(data)}`];
  }
}

/** Runs one command line; returns the exit status (0 ok, 1 the server refused, 2 usage). */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      if (err.code.startsWith('gatehouse.')) io.err(`gatehouse: ${err.message}\n`);
      return err.exitCode || 2;
    }
    if (err instanceof ApiError) {
      io.err(`gatehouse: ${err.describe()}\n`);
      return 1;
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    io.err(
      `gatehouse: ${err instanceof Error ? err.message : String(err)}${cause?.message ? ` (${cause.message})` : ''}\n`,
    );
    return 1;
  }
}
