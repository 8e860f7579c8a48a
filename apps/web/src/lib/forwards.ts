import { api, paths } from './api';
import type { Api } from './types';

/** The forwards list; read by the forwards page and by the FTP page (same key, shared cache). */
export const getForwards = (signal?: AbortSignal) =>
  api<{ items: Api['PortForward'][] }>(paths.forwards, { signal }).then((r) => r.items);
