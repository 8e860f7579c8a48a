import { api, paths } from './api';
import { keys } from './query-keys';
import type { Api } from './types';

/** One revision; shared by the dashboard (who applied it) and history (its diff). */
export const getRevision = (id: number, signal?: AbortSignal) => api<Api['Revision']>(paths.revision(id), { signal });

export const revisionKey = (id: number | null) => [...keys.revisions, 'detail', id] as const;
