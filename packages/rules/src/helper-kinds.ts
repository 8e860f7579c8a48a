/**
 * The conntrack helpers Gatehouse can assign, as one family. Each kind is a
 * `ct helper` object in our table plus one assignment rule scoped by server
 * and port; what differs between kinds is data, kept here: the nft helper
 * type, its layer-4 protocol, the default ports, the kernel modules that do
 * the tracking (nf_conntrack_*) and the address rewrite (nf_nat_*), and
 * whether the FTP-only passive-only policy applies.
 *
 * Adding a kind (SIP on udp 5060, IRC on tcp 6667) is an entry here, its
 * section in the model (helper-policy.ts' factory), its issue codes and UI
 * strings, and a lab test that proves it both ways.
 *
 * Module names are what the doctor and kernel.ts probe: on the lab kernel
 * all four are built in (CONFIG_NF_CONNTRACK_TFTP=y, CONFIG_NF_NAT_TFTP=y);
 * elsewhere they are modules. The conntrack module is loaded by the kernel
 * when a helper object of its type is created; the NAT module is not.
 */

/** Model sections that are helper kinds, in output order. */
export const HELPER_KINDS = ['ftp', 'tftp'] as const;
export type HelperKind = (typeof HELPER_KINDS)[number];

export interface HelperKindSpec {
  readonly kind: HelperKind;
  /** The name people use ("FTP"). */
  readonly label: string;
  /** `type "<nftType>"` in the ct helper object; also what `ct helper "<nftType>"` and conntrack's helper= show. */
  readonly nftType: string;
  readonly protocol: 'tcp' | 'udp';
  /** Ports on the servers (after DNAT) the helper watches unless the model says otherwise. */
  readonly defaultPorts: readonly number[];
  /** The model section's field holding those ports (FTP's predates the family). */
  readonly portsField: 'controlPorts' | 'ports';
  readonly conntrackModule: string;
  readonly natModule: string;
  /** Whether the passive-only policy (drop helper-related flows from server to client) applies. */
  readonly passiveOnly: boolean;
  /** Name of the ct helper object in our table. */
  readonly objectName: string;
  /** What the assignment rule's comment says the helper inspects. */
  readonly inspects: string;
}

export const HELPER_KIND_SPECS: Readonly<Record<HelperKind, HelperKindSpec>> = {
  ftp: {
    kind: 'ftp',
    label: 'FTP',
    nftType: 'ftp',
    protocol: 'tcp',
    defaultPorts: [21],
    portsField: 'controlPorts',
    conntrackModule: 'nf_conntrack_ftp',
    natModule: 'nf_nat_ftp',
    passiveOnly: true,
    objectName: 'ftp-incoming',
    inspects: 'control connections',
  },
  tftp: {
    kind: 'tftp',
    label: 'TFTP',
    nftType: 'tftp',
    protocol: 'udp',
    defaultPorts: [69],
    portsField: 'ports',
    conntrackModule: 'nf_conntrack_tftp',
    natModule: 'nf_nat_tftp',
    passiveOnly: false,
    objectName: 'tftp-incoming',
    inspects: 'read and write requests',
  },
};

export function helperKindSpec(kind: HelperKind): HelperKindSpec {
  return HELPER_KIND_SPECS[kind];
}

/** Every kind's spec, in output order. */
export function helperKindSpecs(): HelperKindSpec[] {
  return HELPER_KINDS.map((k) => HELPER_KIND_SPECS[k]);
}
