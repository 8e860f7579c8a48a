/**
 * The doctor's English, by code: what `text` says next to every code and
 * params (the web UI translates the code itself; see
 * apps/web/src/locales/ftp-doctor-*.ts). `{{name}}` quotes a param, as
 * i18next does, so one sentence reads the same in both places.
 */
import type {
  FtpDoctorCheck,
  FtpDoctorCode,
  FtpDoctorSaying,
  FtpDoctorStatusValue,
} from '../../schemas/ftp-diagnosis.js';

export const FTP_DOCTOR_TEXT: Record<FtpDoctorCode, string> = {
  'kernel.ok': 'The kernel has nf_conntrack_ftp ({{conntrack}}) and nf_nat_ftp ({{nat}}).',
  'kernel.conntrack_missing': 'The kernel has no FTP connection tracking helper (nf_conntrack_ftp).',
  'kernel.nat_missing':
    'The kernel has no nf_nat_ftp: the helper sees PASV replies but cannot rewrite the private address in them.',
  'scope.ok': 'The applied revision {{revision}} assigns the helper to {{server}} port {{port}}.',
  'scope.nothing_applied': 'Nothing has been applied to the gateway yet.',
  'scope.helper_off': 'The FTP helper is off in the applied revision {{revision}}.',
  'scope.port_not_covered': 'The helper of revision {{revision}} does not inspect port {{port}}.',
  'scope.server_not_covered': 'The helper of revision {{revision}} does not inspect the server {{server}}.',
  'scope.object_missing':
    'Revision {{revision}} has the helper, but the gateway holds no ct helper object in its table.',
  'scope.ftps':
    'The forward is FTPS: the helper cannot read its control channel, so its passive range {{range}} is forwarded instead.',
  'live.ok': '{{withHelper}} of {{flows}} recent control connections to {{server}}:{{port}} carry helper=ftp.',
  'live.no_traffic': 'No control connection to {{server}}:{{port}} has come through the forward since {{since}}.',
  'live.without_helper':
    '{{withoutHelper}} of {{flows}} recent control connections to {{server}}:{{port}} carry no helper: their transfers cannot work.',
  'live.no_expectations':
    'Control connections carry the helper, but no expectation was created for them: no transfer was started, or the helper cannot read the control channel.',
  'live.ftps':
    '{{flows}} control connections to {{server}}:{{port}} came through the FTPS forward; their data connections use the forwarded range {{range}}.',
  'passive.off': 'Passive-only is off: active FTP (PORT/EPRT) is allowed.',
  'passive.on': 'Passive-only is on: active data connections are refused.',
  'passive.blocks_nothing':
    'Passive-only is on, but the server announces the public address itself: its data connections are not helper-related, so the rule refuses nothing.',
  'probe.ok':
    'The server answers from the gateway and its PASV reply names its own address {{host}}; the helper rewrites it.',
  'probe.no_answer': 'The gateway could not talk to {{server}}:{{port}}.',
  'probe.not_ftp': '{{server}}:{{port}} does not answer like an FTP server.',
  'probe.public_address':
    'The server announces the public address {{host}} in PASV: the helper’s rewrite is pointless and passive-only blocks nothing it should.',
  'probe.foreign_address':
    'The server announces {{host}}, an address of another network: clients will connect there and fail.',
  'probe.pasv_needs_login': 'PASV needs a login: anonymous login was refused, so the announced address is unknown.',
  'probe.pasv_refused': 'The server refused PASV.',
  'probe.ftps_ok': 'The FTPS server announces the public address {{host}} and a port of the forwarded range {{range}}.',
  'probe.ftps_private':
    'The FTPS server announces {{host}}, not the public address: nothing on the gateway can rewrite it under TLS, so clients connect there and fail.',
  'probe.ftps_port_outside': 'The FTPS server announces port {{port}}, outside the forwarded passive range {{range}}.',
  'heuristics.ok': 'Nothing in the live table suggests an encrypted control channel.',
  'heuristics.ftps_suspected':
    'FTPS suspected: the control channel to {{server}}:{{port}} is probably encrypted, so the helper cannot read it.',
  'evidence.module': '{{module}}: {{state}} ({{source}})',
  'evidence.helper_loads': 'A ct helper of type "ftp" loads (nft -c) in the gateway’s namespace.',
  'evidence.helper_refused': 'A ct helper of type "ftp" does not load: {{message}}',
  'evidence.revision': 'Applied revision {{revision}} (at {{at}}).',
  'evidence.helper_rule': 'The helper inspects servers {{servers}} on ports {{ports}}.',
  'evidence.desired_differs': 'The desired state has unapplied changes.',
  'evidence.control_flows': '{{flows}} control connections seen, {{withHelper}} with the helper; the last at {{last}}.',
  'evidence.flow_without_helper': 'Control connection from {{client}} at {{at}} without the helper.',
  'evidence.expectations': '{{count}} expectations created; the last at {{last}}.',
  'evidence.no_expectations': 'No expectation created.',
  'evidence.data_linked': '{{count}} data connections linked to their control connection; the last at {{last}}.',
  'evidence.no_data_linked': 'No data connection linked to a control connection.',
  'evidence.drop_counter': 'The drop rule counted {{packets}} packets.',
  'evidence.counter_unavailable': 'The drop rule has no counter: its count is unavailable.',
  'evidence.active_attempt': 'Active data connection announced by {{client}} at {{at}}.',
  'evidence.banner': 'Banner: {{banner}}',
  'evidence.auth_tls_offered': 'FEAT offers AUTH TLS (the server supports FTPS).',
  'evidence.auth_tls_not_offered': 'FEAT does not offer AUTH TLS.',
  'evidence.pasv': 'PASV announces {{host}} port {{port}}.',
  'evidence.tls': 'The probe spoke TLS with the server (AUTH TLS).',
  'evidence.probe_error': 'Probe: {{message}}',
  'evidence.stray_connection': 'Connection from {{client}} to {{address}}:{{port}} at {{at}}, a port no forward takes.',
  'evidence.quiet_control_flow':
    'Control connection from {{client}} with the helper for {{minutes}} min and no expectation.',
  'fix.load_nat_ftp':
    'Load it: modprobe nf_nat_ftp, and add a line nf_nat_ftp to a file in /etc/modules-load.d/ so it loads at boot.',
  'fix.kernel_conntrack_ftp': 'Use a kernel with CONFIG_NF_CONNTRACK_FTP (module or built in).',
  'fix.apply': 'Apply the desired state (the Apply page).',
  'fix.enable_helper': 'Turn the FTP helper on (the Helpers page) and apply.',
  'fix.add_control_port': 'Add port {{port}} to the helper’s control ports (the Helpers page) and apply.',
  'fix.add_server':
    'Add {{server}} to the helper’s servers, or leave the list empty for every forwarded server, and apply.',
  'fix.restore': 'Restore the applied revision (the dashboard’s drift restore).',
  'fix.start_server': 'Check that the FTP server runs on {{server}} port {{port}} and that the gateway reaches it.',
  'fix.unset_pasv_address':
    'Let the helper do the rewrite: remove the server’s public address setting (vsftpd pasv_address, proftpd MasqueradeAddress, pure-ftpd -P), or, for FTPS, mark the forward FTPS and forward its passive range.',
  'fix.own_address':
    'Make the server announce its own address {{server}} (vsftpd pasv_address, proftpd MasqueradeAddress, pure-ftpd -P) or none; the helper rewrites it to the public one.',
  'fix.allow_anonymous': 'Nothing to fix on the gateway; the announced address can only be checked with a login.',
  'fix.ftps':
    'Mark the forward FTPS and forward the server’s passive port range, and make the server announce the public address {{public}}: vsftpd pasv_address={{public}}, proftpd MasqueradeAddress {{public}}, pure-ftpd -P {{public}}.',
  'fix.ftps_range':
    'Make the forward’s passive range match the server’s (vsftpd pasv_min_port/pasv_max_port, proftpd PassivePorts, pure-ftpd -p), now {{range}}.',
  'tftp.kernel_ok': 'The kernel has nf_conntrack_tftp ({{conntrack}}) and nf_nat_tftp ({{nat}}).',
  'tftp.kernel_conntrack_missing': 'The kernel has no TFTP connection tracking helper (nf_conntrack_tftp).',
  'tftp.kernel_nat_missing':
    'The kernel has no nf_nat_tftp: the helper expects the server’s answer but cannot give it the request’s NAT, so it never reaches the client.',
  'tftp.scope_ok': 'The applied revision {{revision}} assigns the TFTP helper to {{server}} port {{port}}.',
  'tftp.scope_helper_off': 'The TFTP helper is off in the applied revision {{revision}}.',
  'tftp.scope_port_not_covered': 'The TFTP helper of revision {{revision}} does not inspect port {{port}}.',
  'tftp.scope_server_not_covered': 'The TFTP helper of revision {{revision}} does not inspect the server {{server}}.',
  'tftp.scope_object_missing':
    'Revision {{revision}} has the TFTP helper, but the gateway holds no ct helper object in its table.',
  'tftp.live_ok': '{{withHelper}} of {{flows}} recent TFTP requests to {{server}}:{{port}} carry helper=tftp.',
  'tftp.live_no_traffic': 'No TFTP request to {{server}}:{{port}} has come through the forward since {{since}}.',
  'tftp.live_without_helper':
    '{{withoutHelper}} of {{flows}} recent TFTP requests to {{server}}:{{port}} carry no helper: the server’s answer from its new port cannot reach the client.',
  'tftp.live_no_expectations':
    'TFTP requests carry the helper, but no expectation was created for them: the helper did not read a read or write request.',
  'tftp.probe_ok':
    'The TFTP server answers from the gateway: a read request for a file that cannot exist got an error packet.',
  'tftp.probe_no_answer': 'The gateway got no answer from the TFTP server {{server}}:{{port}} within {{seconds}} s.',
  'tftp.probe_not_tftp': '{{server}}:{{port}} answered, but not like a TFTP server.',
  'tftp.evidence_helper_loads': 'A ct helper of type "tftp" loads (nft -c) in the gateway’s namespace.',
  'tftp.evidence_helper_refused': 'A ct helper of type "tftp" does not load: {{message}}',
  'tftp.evidence_requests': '{{flows}} requests seen, {{withHelper}} with the helper; the last at {{last}}.',
  'tftp.evidence_request_without_helper': 'Request from {{client}} at {{at}} without the helper.',
  'tftp.evidence_answers_linked':
    '{{count}} answers from a new server port linked to their request; the last at {{last}}.',
  'tftp.evidence_no_answer_linked': 'No answer from the server linked to a request.',
  'tftp.evidence_error_reply': 'The server answered from port {{port}} with error {{code}}: {{message}}',
  'tftp.fix_load_nat':
    'Load it: modprobe nf_nat_tftp, and add a line nf_nat_tftp to a file in /etc/modules-load.d/ so it loads at boot.',
  'tftp.fix_kernel_conntrack': 'Use a kernel with CONFIG_NF_CONNTRACK_TFTP (module or built in).',
  'tftp.fix_enable_helper': 'Turn the TFTP helper on (the Helpers page) and apply.',
  'tftp.fix_add_port': 'Add port {{port}} to the TFTP helper’s ports (the Helpers page) and apply.',
  'tftp.fix_start_server':
    'Check that the TFTP server runs on {{server}} port {{port}} and that the gateway reaches it (UDP).',
};

export type Params = Record<string, string | number>;

export function fill(template: string, params: Params): string {
  return template.replace(/\{\{(\w+)\}\}/g, (all, name: string) =>
    params[name] === undefined ? all : String(params[name]),
  );
}

/** One thing the doctor says: its code, params and English text. */
export function say(code: FtpDoctorCode, params: Params = {}): FtpDoctorSaying {
  return { code, params, text: fill(FTP_DOCTOR_TEXT[code], params) };
}

const RANK: Record<FtpDoctorStatusValue, number> = { ok: 0, warning: 1, failure: 2 };

export function worst(statuses: Iterable<FtpDoctorStatusValue>): FtpDoctorStatusValue {
  let w: FtpDoctorStatusValue = 'ok';
  for (const s of statuses) if (RANK[s] > RANK[w]) w = s;
  return w;
}

export function check(
  name: FtpDoctorCheck['check'],
  status: FtpDoctorStatusValue,
  finding: FtpDoctorSaying,
  evidence: FtpDoctorSaying[] = [],
  fix: FtpDoctorSaying | null = null,
): FtpDoctorCheck {
  return { check: name, status, finding, evidence, fix };
}
