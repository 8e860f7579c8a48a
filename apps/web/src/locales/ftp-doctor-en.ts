/**
 * The helper doctor page's strings (en; the page diagnoses the FTP and
 * TFTP helpers, at /ftp-doctor), and every code the doctor sends
 * (`ftpDoctor.say.<code>`, see apps/server/src/services/ftp-doctor/texts.ts
 * for the server's English). Spread into en.ts like gateway-en.ts.
 */
export const ftpDoctorEn = {
  ftpDoctor: {
    title: 'Helper doctor',
    intro:
      'For each forward that exposes an FTP control port: whether the kernel, the helper, the live connections, the passive-only policy and the server itself are set up for FTP through NAT, with the evidence and what to fix. Forwards that expose a TFTP port get the same checks for the TFTP helper.',
    adminOnly:
      'The helper doctor is for admins: it probes the FTP and TFTP servers from the gateway, and its answer shows their banners and the clients’ addresses.',
    refresh: 'Check again',
    refreshing: 'Checking…',
    checkedAt: 'Checked at {{at}}, applied revision {{revision}}',
    checkedAtNothingApplied: 'Checked at {{at}}, nothing applied yet',
    empty: 'No enabled forward exposes an FTP control port (21 or a helper control port).',
    forward: '{{name}}: public port {{publicPort}} → {{server}}:{{controlPort}}',
    ftps: 'FTPS, passive range {{range}}',
    tftpSection: 'TFTP',
    tftpForward: '{{name}}: public UDP port {{publicPort}} → {{server}}:{{port}}',
    evidence: 'Evidence',
    evidenceOf: 'Evidence: {{check}}',
    fix: 'Fix',
    status: { ok: 'OK', warning: 'Warning', failure: 'Failure' },
    check: {
      kernel: 'Kernel',
      'helper-scope': 'Helper scope',
      'live-evidence': 'Live evidence',
      'passive-only': 'Passive-only',
      probe: 'Probe of the server',
      heuristics: 'Heuristics',
    },
    moduleState: {
      builtin: 'built in',
      loaded: 'loaded as a module',
      modprobed: 'loaded by the panel',
      missing: 'missing',
      unknown: 'unknown',
    },
    say: {
      kernel: {
        ok: 'The kernel has nf_conntrack_ftp ({{conntrack}}) and nf_nat_ftp ({{nat}}).',
        conntrack_missing: 'The kernel has no FTP connection tracking helper (nf_conntrack_ftp).',
        nat_missing:
          'The kernel has no nf_nat_ftp: the helper sees PASV replies but cannot rewrite the private address in them.',
      },
      scope: {
        ok: 'The applied revision {{revision}} assigns the helper to {{server}} port {{port}}.',
        nothing_applied: 'Nothing has been applied to the gateway yet.',
        helper_off: 'The FTP helper is off in the applied revision {{revision}}.',
        port_not_covered: 'The helper of revision {{revision}} does not inspect port {{port}}.',
        server_not_covered: 'The helper of revision {{revision}} does not inspect the server {{server}}.',
        object_missing: 'Revision {{revision}} has the helper, but the gateway holds no ct helper object in its table.',
        ftps: 'The forward is FTPS: the helper cannot read its control channel, so its passive range {{range}} is forwarded instead.',
      },
      live: {
        ok: '{{withHelper}} of {{flows}} recent control connections to {{server}}:{{port}} carry helper=ftp.',
        no_traffic: 'No control connection to {{server}}:{{port}} has come through the forward since {{since}}.',
        without_helper:
          '{{withoutHelper}} of {{flows}} recent control connections to {{server}}:{{port}} carry no helper: their transfers cannot work.',
        no_expectations:
          'Control connections carry the helper, but no expectation was created for them: no transfer was started, or the helper cannot read the control channel.',
        ftps: '{{flows}} control connections to {{server}}:{{port}} came through the FTPS forward; their data connections use the forwarded range {{range}}.',
      },
      passive: {
        off: 'Passive-only is off: active FTP (PORT/EPRT) is allowed.',
        on: 'Passive-only is on: active data connections are refused.',
        blocks_nothing:
          'Passive-only is on, but the server announces the public address itself: its data connections are not helper-related, so the rule refuses nothing.',
      },
      probe: {
        ok: 'The server answers from the gateway and its PASV reply names its own address {{host}}; the helper rewrites it.',
        no_answer: 'The gateway could not talk to {{server}}:{{port}}.',
        not_ftp: '{{server}}:{{port}} does not answer like an FTP server.',
        public_address:
          'The server announces the public address {{host}} in PASV: the helper’s rewrite is pointless and passive-only blocks nothing it should.',
        foreign_address:
          'The server announces {{host}}, an address of another network: clients will connect there and fail.',
        pasv_needs_login: 'PASV needs a login: anonymous login was refused, so the announced address is unknown.',
        pasv_refused: 'The server refused PASV.',
        ftps_ok: 'The FTPS server announces the public address {{host}} and a port of the forwarded range {{range}}.',
        ftps_private:
          'The FTPS server announces {{host}}, not the public address: nothing on the gateway can rewrite it under TLS, so clients connect there and fail.',
        ftps_port_outside: 'The FTPS server announces port {{port}}, outside the forwarded passive range {{range}}.',
      },
      heuristics: {
        ok: 'Nothing in the live table suggests an encrypted control channel.',
        ftps_suspected:
          'FTPS suspected: the control channel to {{server}}:{{port}} is probably encrypted, so the helper cannot read it.',
      },
      evidence: {
        module: '{{module}}: {{state}} ({{source}})',
        helper_loads: 'A ct helper of type "ftp" loads (nft -c) in the gateway’s namespace.',
        helper_refused: 'A ct helper of type "ftp" does not load: {{message}}',
        revision: 'Applied revision {{revision}} (at {{at}}).',
        helper_rule: 'The helper inspects servers {{servers}} on ports {{ports}}.',
        desired_differs: 'The desired state has unapplied changes.',
        control_flows: '{{flows}} control connections seen, {{withHelper}} with the helper; the last at {{last}}.',
        flow_without_helper: 'Control connection from {{client}} at {{at}} without the helper.',
        expectations: '{{count}} expectations created; the last at {{last}}.',
        no_expectations: 'No expectation created.',
        data_linked: '{{count}} data connections linked to their control connection; the last at {{last}}.',
        no_data_linked: 'No data connection linked to a control connection.',
        drop_counter: 'The drop rule counted {{packets}} packets.',
        counter_unavailable: 'The drop rule has no counter: its count is unavailable.',
        active_attempt: 'Active data connection announced by {{client}} at {{at}}.',
        banner: 'Banner: {{banner}}',
        auth_tls_offered: 'FEAT offers AUTH TLS (the server supports FTPS).',
        auth_tls_not_offered: 'FEAT does not offer AUTH TLS.',
        pasv: 'PASV announces {{host}} port {{port}}.',
        tls: 'The probe spoke TLS with the server (AUTH TLS).',
        probe_error: 'Probe: {{message}}',
        stray_connection: 'Connection from {{client}} to {{address}}:{{port}} at {{at}}, a port no forward takes.',
        quiet_control_flow:
          'Control connection from {{client}} with the helper for {{minutes}} min and no expectation.',
      },
      fix: {
        load_nat_ftp:
          'Load it: modprobe nf_nat_ftp, and add a line nf_nat_ftp to a file in /etc/modules-load.d/ so it loads at boot.',
        kernel_conntrack_ftp: 'Use a kernel with CONFIG_NF_CONNTRACK_FTP (module or built in).',
        apply: 'Apply the desired state (the Apply page).',
        enable_helper: 'Turn the FTP helper on (the Helpers page) and apply.',
        add_control_port: 'Add port {{port}} to the helper’s control ports (the Helpers page) and apply.',
        add_server:
          'Add {{server}} to the helper’s servers, or leave the list empty for every forwarded server, and apply.',
        restore: 'Restore the applied revision (the dashboard’s drift restore).',
        start_server: 'Check that the FTP server runs on {{server}} port {{port}} and that the gateway reaches it.',
        unset_pasv_address:
          'Let the helper do the rewrite: remove the server’s public address setting (vsftpd pasv_address, proftpd MasqueradeAddress, pure-ftpd -P), or, for FTPS, mark the forward FTPS and forward its passive range.',
        own_address:
          'Make the server announce its own address {{server}} (vsftpd pasv_address, proftpd MasqueradeAddress, pure-ftpd -P) or none; the helper rewrites it to the public one.',
        allow_anonymous: 'Nothing to fix on the gateway; the announced address can only be checked with a login.',
        ftps: 'Mark the forward FTPS and forward the server’s passive port range, and make the server announce the public address {{public}}: vsftpd pasv_address={{public}}, proftpd MasqueradeAddress {{public}}, pure-ftpd -P {{public}}.',
        ftps_range:
          'Make the forward’s passive range match the server’s (vsftpd pasv_min_port/pasv_max_port, proftpd PassivePorts, pure-ftpd -p), now {{range}}.',
      },
      tftp: {
        kernel_ok: 'The kernel has nf_conntrack_tftp ({{conntrack}}) and nf_nat_tftp ({{nat}}).',
        kernel_conntrack_missing: 'The kernel has no TFTP connection tracking helper (nf_conntrack_tftp).',
        kernel_nat_missing:
          'The kernel has no nf_nat_tftp: the helper expects the server’s answer but cannot give it the request’s NAT, so it never reaches the client.',
        scope_ok: 'The applied revision {{revision}} assigns the TFTP helper to {{server}} port {{port}}.',
        scope_helper_off: 'The TFTP helper is off in the applied revision {{revision}}.',
        scope_port_not_covered: 'The TFTP helper of revision {{revision}} does not inspect port {{port}}.',
        scope_server_not_covered: 'The TFTP helper of revision {{revision}} does not inspect the server {{server}}.',
        scope_object_missing:
          'Revision {{revision}} has the TFTP helper, but the gateway holds no ct helper object in its table.',
        live_ok: '{{withHelper}} of {{flows}} recent TFTP requests to {{server}}:{{port}} carry helper=tftp.',
        live_no_traffic: 'No TFTP request to {{server}}:{{port}} has come through the forward since {{since}}.',
        live_without_helper:
          '{{withoutHelper}} of {{flows}} recent TFTP requests to {{server}}:{{port}} carry no helper: the server’s answer from its new port cannot reach the client.',
        live_no_expectations:
          'TFTP requests carry the helper, but no expectation was created for them: the helper did not read a read or write request.',
        probe_ok:
          'The TFTP server answers from the gateway: a read request for a file that cannot exist got an error packet.',
        probe_no_answer: 'The gateway got no answer from the TFTP server {{server}}:{{port}} within {{seconds}} s.',
        probe_not_tftp: '{{server}}:{{port}} answered, but not like a TFTP server.',
        evidence_helper_loads: 'A ct helper of type "tftp" loads (nft -c) in the gateway’s namespace.',
        evidence_helper_refused: 'A ct helper of type "tftp" does not load: {{message}}',
        evidence_requests: '{{flows}} requests seen, {{withHelper}} with the helper; the last at {{last}}.',
        evidence_request_without_helper: 'Request from {{client}} at {{at}} without the helper.',
        evidence_answers_linked:
          '{{count}} answers from a new server port linked to their request; the last at {{last}}.',
        evidence_no_answer_linked: 'No answer from the server linked to a request.',
        evidence_error_reply: 'The server answered from port {{port}} with error {{code}}: {{message}}',
        fix_load_nat:
          'Load it: modprobe nf_nat_tftp, and add a line nf_nat_tftp to a file in /etc/modules-load.d/ so it loads at boot.',
        fix_kernel_conntrack: 'Use a kernel with CONFIG_NF_CONNTRACK_TFTP (module or built in).',
        fix_enable_helper: 'Turn the TFTP helper on (the Helpers page) and apply.',
        fix_add_port: 'Add port {{port}} to the TFTP helper’s ports (the Helpers page) and apply.',
        fix_start_server:
          'Check that the TFTP server runs on {{server}} port {{port}} and that the gateway reaches it (UDP).',
      },
    },
  },
};
