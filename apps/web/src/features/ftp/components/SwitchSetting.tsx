import type { ReactNode } from 'react';

export interface SwitchSettingProps {
  /** The input's id; `<id>-help` and `<id>-error` are its description. */
  id: string;
  label: string;
  help: string;
  checked: boolean;
  error: string | undefined;
  disabled: boolean;
  onChange: (checked: boolean) => void;
  /** Shown after the help and the error (e.g. the helper's NAT module line). */
  children?: ReactNode;
}

/** One on/off setting of a helper card: a switch with its help and its error, in a fieldset of its own. */
export function SwitchSetting({ id, label, help, checked, error, disabled, onChange, children }: SwitchSettingProps) {
  return (
    <fieldset className="setting" disabled={disabled}>
      <legend className="visually-hidden">{label}</legend>
      <div className="setting-head">
        <input
          id={id}
          type="checkbox"
          role="switch"
          aria-checked={checked}
          checked={checked}
          aria-describedby={`${error ? `${id}-error ` : ''}${id}-help`}
          onChange={(e) => onChange(e.target.checked)}
        />
        <label htmlFor={id}>{label}</label>
      </div>
      <p className="field-help" id={`${id}-help`}>
        {help}
      </p>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {children}
    </fieldset>
  );
}
