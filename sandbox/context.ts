import type { SlotRegistry } from './concurrency';
import type { CallSimulator } from './lifecycle';
import type { StorageServer } from './storage';
import type { SandboxStore } from './store';
import type { ResolvedOptions } from './types';

/** What every route handler may use. */
export interface AppContext {
	store: SandboxStore;
	simulator: CallSimulator;
	slots: SlotRegistry;
	storage: StorageServer;
	options(): ResolvedOptions;
	/** The API server's origin, used like Dograh's BACKEND_API_ENDPOINT. */
	origin(): string;
}

export interface RequestContext {
	app: AppContext;
	method: string;
	params: Record<string, string>;
	query: URLSearchParams;
	headers: Record<string, string>;
	rawBody: Buffer;
}
