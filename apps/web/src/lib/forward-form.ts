/** What the two forward forms (LAN forwards, gateway forwards) hold in common, and its conversions. */
export interface CommonForwardState {
  id: string;
  name: string;
  enabled: boolean;
  protocol: 'tcp' | 'udp' | 'both';
  allowedSources: string;
  comment: string;
}

/** A saved forward of either kind, as far as the shared pieces need it. */
export interface CommonForward {
  id: string;
  name: string;
  enabled: boolean;
  protocol: 'tcp' | 'udp' | 'both';
  allowedSources: string[];
  comment: string;
}

/** A saved forward's common fields as form state (a new one: enabled TCP, empty). */
export function commonState(f: CommonForward | null): CommonForwardState {
  return {
    id: f?.id ?? '',
    name: f?.name ?? '',
    enabled: f?.enabled ?? true,
    protocol: f?.protocol ?? 'tcp',
    allowedSources: (f?.allowedSources ?? []).join('\n'),
    comment: f?.comment ?? '',
  };
}

/** The common fields as the model's input: trimmed, sources as a list. */
export function commonInput(s: CommonForwardState) {
  return {
    id: s.id.trim(),
    name: s.name.trim(),
    enabled: s.enabled,
    protocol: s.protocol,
    allowedSources: s.allowedSources
      .split(/[\s,]+/)
      .map((x) => x.trim())
      .filter(Boolean),
    comment: s.comment.trim(),
  };
}

/** The LAN forward form's FTPS and NAT reflection fields (issue #13): off and "as the gateway" for a new one. */
export interface FtpsReflectionState {
  ftps: boolean;
  passivePorts: string;
  /** '' follows the gateway's switch; 'on'/'off' override it for this forward. */
  reflection: '' | 'on' | 'off';
}

export interface FtpsReflectionForward {
  ftps?: { passivePorts: string } | undefined;
  reflection?: boolean | undefined;
}

export function ftpsReflectionState(f: FtpsReflectionForward | null): FtpsReflectionState {
  return {
    ftps: f?.ftps !== undefined,
    passivePorts: f?.ftps?.passivePorts ?? '',
    reflection: f?.reflection === undefined ? '' : f.reflection ? 'on' : 'off',
  };
}

/** As the model's input: `ftps` only when ticked (the range kept in the form otherwise), `reflection` only when overridden. */
export function ftpsReflectionInput(s: FtpsReflectionState): FtpsReflectionForward {
  return {
    ...(s.ftps ? { ftps: { passivePorts: s.passivePorts.trim() } } : {}),
    ...(s.reflection === '' ? {} : { reflection: s.reflection === 'on' }),
  };
}
