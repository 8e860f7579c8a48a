/**
 * Server configuration from the environment and command-line flags, validated
 * by one zod schema. Every bad value is reported at once, so an operator fixes
 * a broken unit file in one go rather than one restart per mistake.
 *
 * Flags override the environment: `--listen 0.0.0.0:8080` is GATEHOUSE_LISTEN.
 */
import { z } from 'zod';
import { passwordProblems, passwordShapeProblems } from './services/password-policy.js';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { error: 'use true or false' })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[0-9.]+|[A-Za-z0-9.-]+):(\d{1,5})$/, { error: 'use address:port, e.g. 127.0.0.1:8080' })
  .transform((s, ctx) => {
    const i = s.lastIndexOf(':');
    const host = s.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(s.slice(i + 1));
    if (port < 0 || port > 65535) ctx.addIssue({ code: 'custom', message: `port ${port} is outside 0-65535` });
    return { host, port };
  });

const ms = (min: number) => z.coerce.number({ error: 'expected milliseconds' }).int().min(min);

const adminProblem = (problem: string) => `the admin password is not acceptable: ${problem}`;

/** Everything that is wrong with the first admin's password, the strength estimate (zxcvbn, ~0.5 s to load) included. */
function adminPasswordProblems(password: string): string[] {
  return passwordProblems(password, 'admin').map(adminProblem);
}

/**
 * What can be said of it without the strength estimate: length, control
 * characters and the username (what passwordProblems checks before zxcvbn).
 */
function adminPasswordShapeProblems(password: string): string[] {
  const shape = passwordShapeProblems(password);
  if (shape.length > 0) return shape.map(adminProblem);
  return password.toLowerCase().includes('admin') ? passwordProblems(password, 'admin').map(adminProblem) : [];
}

/** The schema, with the admin password checked by `adminCheck`. */
function configSchema(adminCheck: (password: string) => string[]) {
  return z
    .object({
      /**
       * Where the panel listens. The default is loopback: the panel must never
       * appear on the public side unless an operator says so.
       */
      listen: listen.default({ host: '127.0.0.1', port: 8080 }),
      stateDir: z.string().min(1).default('/var/lib/gatehouse'),
      /**
       * Password of the first admin (user `admin`), used only when the store has
       * no users; the same policy as every other password (services/password-policy.ts).
       */
      adminPassword: z
        .string()
        .superRefine((password, ctx) => {
          for (const message of adminCheck(password)) ctx.addIssue({ code: 'custom', message });
        })
        .optional(),
      /** Network namespace the gateway's rules and conntrack live in; unset: this process's namespace. */
      netns: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'not a valid network namespace name' })
        .optional(),
      /** JSON gateway model used as the desired state on first start. */
      initialModel: z.string().optional(),
      logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** How often the live table is compared with the applied one. */
      driftIntervalMs: ms(200).default(5000),
      /** Follow the conntrack tables (dump + event streams). Off for tests that do not need it. */
      conntrack: bool.default(true),
      /**
       * Set net.netfilter.nf_conntrack_tcp_loose=0 in the gateway namespace at
       * start. With loose pickup on (the kernel default), a killed TCP flow is
       * re-created from its next mid-stream packet and the connection survives;
       * with it off, that packet is invalid, never NATed, and the gateway answers
       * it with a reset, so killing a flow really ends the connection.
       */
      strictTcpPickup: bool.default(false),
      /** Trust X-Forwarded-* from a TLS-terminating proxy (then cookies get Secure). */
      trustProxy: bool.default(false),
      /** Force the Secure cookie attribute (also set automatically for HTTPS requests). */
      secureCookies: bool.default(false),
      /** Built web UI to serve at / (apps/web/dist); unset: looked up next to the server. */
      webDir: z.string().optional(),
      /** Where the boot-time nft include is written on a confirmed apply; unset: not written. */
      nftIncludeDir: z.string().optional(),
      /** This node's name in the model's HA pair (ha.nodes[].name); unset: not part of a pair. */
      haNode: z.string().max(40).optional(),
      /**
       * The peer token accepted (Authorization: Peer) before any revision of the
       * pair exists on this node: the bootstrap. Afterwards the model's
       * ha.peerToken is accepted too. At least 32 printable characters.
       */
      haPeerToken: z
        .string()
        .min(32, { error: 'a peer token is at least 32 characters' })
        .max(256, { error: 'a peer token is at most 256 characters' })
        .regex(/^[\x21-\x7e]+$/, { error: 'use printable characters without spaces' })
        .optional(),
      /** Where the pair's engine files live (conntrackd.conf, the notify hook and its log); unset: <stateDir>/ha. */
      haDir: z.string().optional(),
      /**
       * How the pair's engines run on a confirmed apply: systemd units, processes
       * (the lab and the demo), or off (the files only); unset: off.
       */
      haEngines: z.enum(['systemd', 'process', 'off']).default('off'),
      /** Where the modules-load.d entry for nf_nat_ftp is written; unset: not written. */
      modulesLoadDir: z.string().optional(),
      sessionTtlMs: ms(60_000).default(12 * 3600_000),
      /** Login attempts per client address per minute. */
      loginRateLimit: z.coerce.number().int().min(1).default(10),
      /** SSE batching window: events are collected this long before being sent together. */
      eventBatchMs: ms(10).default(250),
      /**
       * Receive buffer of the conntrack event sockets (the kernel doubles it;
       * set by the server, conntrack/event-socket.ts, as conntrack 1.4.7's
       * `-b` misses them). Events beyond it while the server is busy are lost
       * (ENOBUFS), reported and repaired by a dump.
       */
      conntrackEventBufferBytes: z.coerce
        .number()
        .int()
        .min(4096)
        .max(1 << 30)
        .default(32 * 1024 * 1024),
      /** HTTPS with the operator's certificate (PEM files); both or neither. */
      tlsCert: z.string().min(1).optional(),
      tlsKey: z.string().min(1).optional(),
      /** `self-signed`: generate a certificate in the state dir on first start and serve HTTPS with it. */
      tls: z
        .enum(['self-signed', 'off'], { error: 'use self-signed (or set GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY)' })
        .default('off'),
    })
    .superRefine((c, ctx) => {
      if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [c.tlsCert ? 'tlsKey' : 'tlsCert'],
          message: 'set both the certificate and its key',
        });
      }
      if (c.tls === 'self-signed' && c.tlsCert) {
        ctx.addIssue({
          code: 'custom',
          path: ['tls'],
          message: 'self-signed and a provided certificate exclude each other',
        });
      }
    });
}

export const ServerConfig = configSchema(adminPasswordProblems);
/**
 * What loadConfig checks at every start: the same, but the admin password's
 * strength is left to the first start, the only time it is used
 * (checkAdminPassword, when the first user is made; bench 15.6).
 */
const StartConfig = configSchema(adminPasswordShapeProblems);

export type ServerConfig = z.output<typeof ServerConfig>;
export type ServerConfigInput = z.input<typeof ServerConfig>;

/** Environment variable and flag for each setting. */
export const CONFIG_SOURCES: Record<keyof ServerConfig, { env: string; flag: string }> = {
  listen: { env: 'GATEHOUSE_LISTEN', flag: '--listen' },
  stateDir: { env: 'GATEHOUSE_STATE_DIR', flag: '--state-dir' },
  adminPassword: { env: 'GATEHOUSE_ADMIN_PASSWORD', flag: '--admin-password' },
  netns: { env: 'GATEHOUSE_NETNS', flag: '--netns' },
  initialModel: { env: 'GATEHOUSE_INITIAL_MODEL', flag: '--initial-model' },
  logLevel: { env: 'GATEHOUSE_LOG_LEVEL', flag: '--log-level' },
  driftIntervalMs: { env: 'GATEHOUSE_DRIFT_INTERVAL_MS', flag: '--drift-interval-ms' },
  conntrack: { env: 'GATEHOUSE_CONNTRACK', flag: '--conntrack' },
  strictTcpPickup: { env: 'GATEHOUSE_STRICT_TCP_PICKUP', flag: '--strict-tcp-pickup' },
  trustProxy: { env: 'GATEHOUSE_TRUST_PROXY', flag: '--trust-proxy' },
  secureCookies: { env: 'GATEHOUSE_SECURE_COOKIES', flag: '--secure-cookies' },
  webDir: { env: 'GATEHOUSE_WEB_DIR', flag: '--web-dir' },
  nftIncludeDir: { env: 'GATEHOUSE_NFT_INCLUDE_DIR', flag: '--nft-include-dir' },
  modulesLoadDir: { env: 'GATEHOUSE_MODULES_LOAD_DIR', flag: '--modules-load-dir' },
  haNode: { env: 'GATEHOUSE_HA_NODE', flag: '--ha-node' },
  haDir: { env: 'GATEHOUSE_HA_DIR', flag: '--ha-dir' },
  haPeerToken: { env: 'GATEHOUSE_HA_PEER_TOKEN', flag: '--ha-peer-token' },
  haEngines: { env: 'GATEHOUSE_HA_ENGINES', flag: '--ha-engines' },
  sessionTtlMs: { env: 'GATEHOUSE_SESSION_TTL_MS', flag: '--session-ttl-ms' },
  loginRateLimit: { env: 'GATEHOUSE_LOGIN_RATE_LIMIT', flag: '--login-rate-limit' },
  eventBatchMs: { env: 'GATEHOUSE_EVENT_BATCH_MS', flag: '--event-batch-ms' },
  conntrackEventBufferBytes: { env: 'GATEHOUSE_CONNTRACK_EVENT_BUFFER_BYTES', flag: '--conntrack-event-buffer-bytes' },
  tlsCert: { env: 'GATEHOUSE_TLS_CERT', flag: '--tls-cert' },
  tlsKey: { env: 'GATEHOUSE_TLS_KEY', flag: '--tls-key' },
  tls: { env: 'GATEHOUSE_TLS', flag: '--tls' },
};

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Reads and validates the configuration; throws ConfigError listing every bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = []): ServerConfig {
  const raw: Record<string, string> = {};
  const problems: string[] = [];
  const byFlag = new Map(Object.entries(CONFIG_SOURCES).map(([key, s]) => [s.flag, key]));
  for (const [key, s] of Object.entries(CONFIG_SOURCES)) {
    const value = env[s.env];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const key = byFlag.get(flag);
    if (!key) {
      problems.push(`unknown flag ${flag}`);
      if (inline === undefined && argv[i + 1] !== undefined && !argv[i + 1]?.startsWith('-')) i++;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) problems.push(`${flag} needs a value`);
    else raw[key] = value;
  }
  const parsed = StartConfig.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(problemLine(String(issue.path[0] ?? ''), issue.message));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

function problemLine(key: string, message: string): string {
  const src = CONFIG_SOURCES[key as keyof ServerConfig];
  return `${src ? `${src.env} (${src.flag})` : key}: ${message}`;
}

/**
 * The whole password policy on GATEHOUSE_ADMIN_PASSWORD, run when the first
 * user is made from it: throws the ConfigError loadConfig would have (the
 * server exits with it, as with any bad setting).
 */
export function checkAdminPassword(password: string): void {
  const problems = adminPasswordProblems(password);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => problemLine('adminPassword', p)));
}
