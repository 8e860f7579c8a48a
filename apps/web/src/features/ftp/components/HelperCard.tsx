import type { ReactNode } from 'react';
import { moduleTone } from '../../../components/ModuleState';
import type { Api } from '../../../lib/types';
import { ListField, type ListFieldProps } from './ListField';
import { SwitchSetting } from './SwitchSetting';
import { problems } from './validate';

type ListTexts<T extends string | number> = Pick<
  ListFieldProps<T>,
  'legend' | 'help' | 'newLabel' | 'addLabel' | 'removeLabel'
>;

export interface HelperCardProps {
  /** Prefix of the element ids: `<ids>-title`, `<ids>-enabled`, `<ids>-<portsField>`, `<ids>-servers`. */
  ids: string;
  /** The model's name of the ports field (FTP's controlPorts, TFTP's ports): the id of its list. */
  portsField: string;
  texts: {
    title: string;
    intro?: string;
    helper: string;
    helperHelp: string;
    /** The helper's NAT module line, its state said. */
    natModule: string;
    ports: ListTexts<number> & { placeholder: string };
    servers: ListTexts<string> & { emptyText: string };
  };
  /** Problems of a port as typed (the model's own). */
  portProblem: ListFieldProps<number>['problem'];
  /** The protocol whose forwards' targets are not offered as servers. */
  otherProtocol: 'tcp' | 'udp';
  enabled: boolean;
  ports: number[];
  servers: string[];
  errors: { enabled?: string | undefined; ports?: string | undefined; servers?: string | undefined };
  drafts: { port: string; server: string };
  canEdit: boolean;
  forwards: Api['PortForward'][] | undefined;
  /** The NAT module's state as the server reports it. */
  natState: string | undefined;
  onEnabled: (enabled: boolean) => void;
  onPorts: (ports: number[]) => void;
  onServers: (servers: string[]) => void;
  onDraft: (next: Partial<{ port: string; server: string }>) => void;
  /** Settings of this helper alone, after the shared ones. */
  children?: ReactNode;
}

/** One conntrack helper's card: on/off with its NAT module, its ports, its servers, then its own settings. */
export function HelperCard(p: HelperCardProps) {
  const { ids, texts, errors } = p;
  return (
    <section className="helper-card" aria-labelledby={`${ids}-title`}>
      <h2 className="helper-card-title" id={`${ids}-title`}>
        {texts.title}
      </h2>
      {texts.intro ? <p className="muted">{texts.intro}</p> : null}
      <SwitchSetting
        id={`${ids}-enabled`}
        label={texts.helper}
        help={texts.helperHelp}
        checked={p.enabled}
        error={errors.enabled}
        disabled={!p.canEdit}
        onChange={p.onEnabled}
      >
        <p className={`status-line status-${moduleTone(p.natState)}`}>
          <span className="status-dot" aria-hidden="true" />
          <span>{texts.natModule}</span>
        </p>
      </SwitchSetting>

      <fieldset className="setting" disabled={!p.canEdit}>
        <ListField
          id={`${ids}-${p.portsField}`}
          {...texts.ports}
          items={p.ports}
          inputMode="numeric"
          parse={Number}
          problem={p.portProblem}
          error={errors.ports}
          draft={p.drafts.port}
          onDraft={(port) => p.onDraft({ port })}
          onChange={p.onPorts}
        />
      </fieldset>

      <fieldset className="setting" disabled={!p.canEdit}>
        <ListField
          id={`${ids}-servers`}
          {...texts.servers}
          items={p.servers}
          placeholder="192.168.1.2"
          inputMode="decimal"
          parse={String}
          problem={problems.server}
          error={errors.servers}
          suggestions={[
            ...new Set((p.forwards ?? []).filter((f) => f.protocol !== p.otherProtocol).map((f) => f.target)),
          ]}
          draft={p.drafts.server}
          onDraft={(server) => p.onDraft({ server })}
          onChange={p.onServers}
        />
      </fieldset>
      {p.children}
    </section>
  );
}
