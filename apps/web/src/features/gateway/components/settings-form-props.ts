import type { Api } from '../../../lib/types';

/** What the gateway page hands each settings form. */
export interface SettingsFormProps {
  saved: Api['GatewaySettings'];
  /** Kept by the page: the form is re-mounted with the saved settings after a save. */
  notice: boolean;
  onNotice: (show: boolean) => void;
}
