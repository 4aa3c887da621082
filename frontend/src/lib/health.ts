import { createApiClient } from './api';

export interface Health {
  status: string;
  version: string;
}

// /healthz lives beside the API, not under /api/v1.
const server = createApiClient({ base: '' });

export async function getHealth(signal?: AbortSignal): Promise<Health> {
  const h = await server.get<Partial<Health> | undefined>('/healthz', signal ? { signal } : {});
  return { status: String(h?.status ?? 'unknown'), version: String(h?.version ?? '') };
}
