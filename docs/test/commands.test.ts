/**
 * Every command the documentation shows works as written (issue #11).
 *
 * The commands are every line of the ```sh / ```bash / ```shell blocks of
 * README.md, docs/**, bench/README.md and the package READMEs. Each is either
 * RUN here or listed in NOT_RUN with the reason; a command that is neither
 * fails the test, and so does a NOT_RUN entry that no longer matches any
 * command (the docs changed: the list must follow).
 *
 * Where they run: the docs speak of a panel on the gateway's own loopback
 * (http://127.0.0.1:8080), so every command runs *inside a lab gateway's
 * network namespace* where the lab panel launcher (npm run demo's) has
 * started the real server on exactly that address. The lab is created and
 * removed by this test (also on failure); no traffic leaves it, and nothing
 * runs against the host's firewall. Commands run without a shell, as argument
 * arrays (quotes and $VAR expanded by docs/test/extract.ts); one with shell
 * syntax must be listed. `gatehouse` is on the PATH (node_modules/.bin, as
 * after `npm install -g ./apps/cli`), `$TOKEN` is an admin API token, and
 * curl runs in a temp directory (its cookie jar lands there).
 *
 * Needs root and a build (npm test builds first).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorsOf, type DocCommand, extractCommands, relativeLinks, splitWords, stripComment } from './extract.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The admin password docs/api.md shows in its login example; the lab panel is started with it. */
const DOC_ADMIN_PASSWORD = 'Velvet-Harbor-Quartz-19';

/** Commands the docs show that are not run here, and why. Each must match at least one command. */
const NOT_RUN: { command: RegExp; reason: string }[] = [
  { command: /^npm run demo$/, reason: 'interactive and long-running (until Ctrl-C); project demo tests its launcher' },
  { command: /^npm test( |$)/, reason: 'the whole suite, this test included' },
  {
    command: /^npm run install-gateway$/,
    reason: 'changes the host (/opt, /etc, systemd); project deploy runs it with --root DIR',
  },
  { command: /^git pull /, reason: 'changes the work tree' },
  { command: /^systemctl /, reason: 'changes the host: services of an installed gateway' },
  { command: /^cp -a \/var\/lib\/gatehouse /, reason: "an installed gateway's state dir (shell syntax: $(date))" },
  {
    command: /^npm run build( |$)/,
    reason: 'rebuilds dist/ that concurrent runs use; this test needs the build already made',
  },
  {
    command: /^npm start -w @gatehouse\/server$/,
    reason: "runs the server in the host namespace, on the host's firewall",
  },
  {
    command: /^npm run (typecheck|lint)$/,
    reason: 'whole-workspace checks (minutes on 2 cores), run before each commit',
  },
  { command: /^npm run test:unit$/, reason: 'a test run: the pure project' },
  { command: /^npx vitest run /, reason: 'test runs of the projects themselves' },
  { command: /^npx playwright test /, reason: 'the browser suite (minutes)' },
  { command: /^(\S+=\S+ )*npm run fuzz$/, reason: 'long fuzz runs (100,000 cases)' },
  { command: /^(\S+=\S+ )*npm run bench$/, reason: 'benchmarks: minutes of load on purpose' },
  { command: /^npm run goldens:update$/, reason: 'rewrites the golden files in the work tree' },
  {
    command: /^npm run keywords:update -w @gatehouse\/rules$/,
    reason: 'rewrites packages/rules/src/nft-keywords.ts after probing nft for minutes',
  },
  {
    command: /^nft add (ct helper|chain|rule) ip my_nat /,
    reason: "the brief's hand-written steps on a gateway's own firewall, into its existing my_nat table",
  },
  { command: /^gatehouse events$/, reason: 'follows the event stream until Ctrl-C' },
  { command: /^npx gatehouse-lab up /, reason: 'holds a lab until Ctrl-C' },
  {
    command: /\/api\/v1\/import\/adopt$/,
    reason: "needs the operator's reviewed model.json and the proposal's ETag (shell syntax: $(cat))",
  },
];

/** Commands run here; `cwd` 'tmp' runs in a scratch directory, 'repo' at the repository root. */
const RUN: { command: RegExp; cwd: 'repo' | 'tmp'; check?: 'api-body' }[] = [
  { command: /^npx gatehouse-print /, cwd: 'repo' },
  { command: /^npx gatehouse( |$)/, cwd: 'repo' },
  { command: /^gatehouse /, cwd: 'repo' },
  { command: /^npx gatehouse-lab cleanup$/, cwd: 'repo' },
  { command: /^git diff /, cwd: 'repo' },
  { command: /^curl .*http:\/\/127\.0\.0\.1:8080\/api\/v1\//, cwd: 'tmp', check: 'api-body' },
];

function markdownFiles(): string[] {
  const out = ['README.md', 'bench/README.md'];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && e.name.endsWith('.md')) out.push(p);
    }
  };
  walk('docs');
  for (const parent of ['packages', 'apps']) {
    for (const d of readdirSync(join(ROOT, parent))) {
      if (existsSync(join(ROOT, parent, d, 'README.md'))) out.push(join(parent, d, 'README.md'));
    }
  }
  return out.filter((f) => existsSync(join(ROOT, f)));
}

const FILES = markdownFiles();
const COMMANDS: DocCommand[] = FILES.flatMap((f) => extractCommands(f, readFileSync(join(ROOT, f), 'utf8')));
const where = (c: DocCommand) => `${c.file}:${c.line}: ${c.text}`;

/** NOT_RUN wins: it names the exceptions among commands RUN would otherwise take (gatehouse events). */
function classify(c: DocCommand): (typeof RUN)[number] | 'listed' | 'unclassified' {
  if (NOT_RUN.some((n) => n.command.test(c.text))) return 'listed';
  return RUN.find((r) => r.command.test(c.text)) ?? 'unclassified';
}

describe('the commands the docs show', () => {
  it('are found in the README, docs/, bench/README.md and the package READMEs', () => {
    for (const f of ['README.md', 'docs/api.md', 'docs/testing.md', 'docs/operations.md', 'bench/README.md']) {
      expect(FILES).toContain(f);
      expect(COMMANDS.some((c) => c.file === f)).toBe(true);
    }
  });

  it('are each either run here or listed as not runnable with a reason', () => {
    const problems: string[] = [];
    for (const c of COMMANDS) {
      if (classify(c) === 'unclassified') problems.push(`neither run nor listed: ${where(c)}`);
    }
    for (const n of NOT_RUN) {
      if (!COMMANDS.some((c) => n.command.test(c.text)))
        problems.push(`NOT_RUN entry matches no command: ${n.command}`);
    }
    expect(problems).toEqual([]);
  });

  describe('run inside a lab gateway whose panel listens on 127.0.0.1:8080', () => {
    let panel: { lab: { ns: { gateway: string } }; base: string; stop(): Promise<void> } | undefined;
    let token = '';
    /** Made in beforeAll, so a run that filters these tests out leaves nothing behind. */
    let scratch = '';

    beforeAll(async () => {
      if (process.getuid?.() !== 0)
        throw new Error('the docs commands test needs root (it runs them in a lab namespace)');
      for (const f of ['apps/server/dist/server.js', 'apps/cli/dist/cli.js', 'packages/rules/dist/cli/print.js']) {
        if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: npm run build first`);
      }
      scratch = mkdtempSync(join(tmpdir(), 'gatehouse-docs-'));
      const launcher = await loadLauncher();
      panel = await launcher.startLabPanel({
        adminPassword: DOC_ADMIN_PASSWORD,
        serverOutput: 'ignore',
        initialModel: {
          table: 'gatehouse',
          interfaces: { wan: 'eth0', lan: ['eth1'] },
          gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
          forwards: [
            { id: 'ftp', name: 'FTP server', publicPorts: '21', target: '192.168.1.2' },
            { id: 'ftp-alt', name: 'FTP server on 2121', publicPorts: '2121', target: '192.168.1.2' },
          ],
          ftp: { enabled: true, controlPorts: [21, 2121], servers: [], passiveOnly: false },
        },
      });
      const session = await launcher.loginOverHttp(panel.base, 'admin', DOC_ADMIN_PASSWORD);
      const created = await fetch(`${panel.base}/api/v1/tokens`, {
        method: 'POST',
        headers: session.headers,
        body: JSON.stringify({ name: 'docs-test', role: 'admin' }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!created.ok) throw new Error(`creating a token failed: ${created.status} ${await created.text()}`);
      token = ((await created.json()) as { token: string }).token;
    }, 90_000);

    afterAll(async () => {
      await panel?.stop();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    it('every runnable command succeeds as written', { timeout: 180_000 }, async () => {
      if (!panel) throw new Error('no lab panel');
      const ns = panel.lab.ns.gateway;
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) {
        if (v !== undefined && k !== 'GATEHOUSE_URL' && k !== 'GATEHOUSE_TOKEN') env[k] = v;
      }
      Object.assign(env, {
        PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
        TOKEN: token,
        XDG_CONFIG_HOME: join(scratch, 'config'),
        NO_UPDATE_NOTIFIER: '1',
        npm_config_update_notifier: 'false',
      });
      const failures: string[] = [];
      let ran = 0;
      for (const c of COMMANDS) {
        const rule = classify(c);
        if (rule === 'listed' || rule === 'unclassified') continue;
        let words: ReturnType<typeof splitWords>;
        try {
          words = splitWords(c.text, env);
        } catch (err) {
          failures.push(`${where(c)}\n  ${(err as Error).message}`);
          continue;
        }
        if (words.shellSyntax) {
          failures.push(`${where(c)}\n  has shell syntax (${words.shellSyntax}): list it in NOT_RUN or make it simple`);
          continue;
        }
        ran++;
        const r = await execa('ip', ['netns', 'exec', ns, ...words.argv], {
          cwd: rule.cwd === 'repo' ? ROOT : scratch,
          env: { ...env, ...words.env },
          extendEnv: false,
          stdin: 'ignore',
          timeout: 30_000,
          reject: false,
        });
        const said = `\n  exit ${r.exitCode ?? r.signal}${r.timedOut ? ' (timed out)' : ''}\n  stdout: ${r.stdout.slice(0, 600)}\n  stderr: ${r.stderr.slice(0, 600)}`;
        process.stdout.write(`docs: ${where(c)} -> exit ${r.exitCode ?? r.signal}\n`);
        if (r.exitCode !== 0) failures.push(`${where(c)}${said}`);
        else if (rule.check === 'api-body') {
          const problem = apiBodyProblem(r.stdout);
          if (problem) failures.push(`${where(c)}\n  ${problem}${said}`);
        }
      }
      expect(failures).toEqual([]);
      expect(ran).toBe(COMMANDS.filter((c) => typeof classify(c) === 'object').length);
    });
  });

  it('relative links in those files point at files and headings that exist', () => {
    const problems: string[] = [];
    for (const f of FILES) {
      for (const { line, target } of relativeLinks(readFileSync(join(ROOT, f), 'utf8'))) {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path ? join(dirname(join(ROOT, f)), path) : join(ROOT, f);
        if (!existsSync(file)) {
          problems.push(`${f}:${line}: ${target}: no such file`);
          continue;
        }
        if (anchor && statSync(file).isFile() && file.endsWith('.md')) {
          if (!anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
            problems.push(`${f}:${line}: ${target}: no heading #${anchor} in ${relative(ROOT, file)}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

/** curl exits 0 on an HTTP error: a body that is empty or one of our error bodies is a failure. */
function apiBodyProblem(stdout: string): string | undefined {
  if (stdout.trim() === '') return 'empty response body';
  try {
    const body = JSON.parse(stdout) as { error?: unknown };
    if (body && typeof body === 'object' && typeof body.error === 'string') return `the API answered ${body.error}`;
  } catch {
    // not JSON (the metrics text): fine
  }
  return undefined;
}

interface Launcher {
  startLabPanel(o: {
    adminPassword: string;
    serverOutput: 'ignore';
    initialModel: unknown;
  }): Promise<{ lab: { ns: { gateway: string } }; base: string; stop(): Promise<void> }>;
  loginOverHttp(base: string, user: string, password: string): Promise<{ headers: Record<string, string> }>;
}

/** The lab panel launcher of `npm run demo` (@gatehouse/demo, built). */
async function loadLauncher(): Promise<Launcher> {
  const m = (await import('@gatehouse/demo')) as Partial<Launcher>;
  if (typeof m.startLabPanel !== 'function' || typeof m.loginOverHttp !== 'function') {
    throw new Error('@gatehouse/demo exports no startLabPanel/loginOverHttp');
  }
  return m as Launcher;
}

describe('the extractor', () => {
  it('takes sh/bash/shell blocks only, joins continuations, drops comments', () => {
    const md = [
      '```sh',
      "curl -H 'a: b' \\",
      '  -d x http://h/p   # a comment',
      '# only a comment',
      '',
      '```',
      '```text',
      'not a command',
      '```',
      '```bash',
      'echo "#not a comment" # but this is',
      '```',
    ].join('\n');
    expect(extractCommands('x.md', md)).toEqual([
      { file: 'x.md', line: 2, text: "curl -H 'a: b' -d x http://h/p" },
      { file: 'x.md', line: 11, text: 'echo "#not a comment"' },
    ]);
  });

  it('splits words like a shell, expands variables and flags shell syntax', () => {
    expect(splitWords(`A=1 curl -H "Authorization: Bearer $TOKEN" -d '{"x": "$TOKEN"}'`, { TOKEN: 't0k' })).toEqual({
      env: { A: '1' },
      argv: ['curl', '-H', 'Authorization: Bearer t0k', '-d', '{"x": "$TOKEN"}'],
      shellSyntax: undefined,
    });
    expect(splitWords('cp a b-$(date +%F)', {}).shellSyntax).toBe('$(');
    expect(splitWords('a | b', {}).shellSyntax).toBe('|');
    expect(() => splitWords('echo $NOPE', {})).toThrow(/NOPE is not set/);
    expect(stripComment("echo 'a # b' # c")).toBe("echo 'a # b'");
  });

  it('refuses an unclosed block', () => {
    expect(() => extractCommands('x.md', '```sh\nls\n')).toThrow(/not closed/);
  });
});
