import { Field } from './Field';

/** A labelled password input (Field-wired), as on the password, reset and add-user forms. */
export function PasswordField({
  label,
  help,
  error,
  value,
  onChange,
  autoComplete = 'new-password',
  maxLength = 256,
}: {
  label: string;
  help?: string;
  error?: string | undefined;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
  autoComplete?: 'new-password' | 'current-password';
  maxLength?: number;
}) {
  return (
    <Field label={label} help={help} error={error}>
      {(p) => (
        <input
          {...p}
          type="password"
          value={value}
          maxLength={maxLength}
          autoComplete={autoComplete}
          onChange={onChange}
        />
      )}
    </Field>
  );
}
