import { startSandbox, SEED, type Sandbox, type SandboxOptions } from '../../sandbox';

export { SEED };

/** Starts one sandbox for the suite and forgets its runs, requests and faults after each test. */
export function useSandbox(options: SandboxOptions = {}): { readonly current: Sandbox } {
	const holder: { current?: Sandbox } = {};
	beforeAll(async () => {
		holder.current = await startSandbox({ timeScale: 0.01, ...options });
	});
	afterEach(() => {
		holder.current?.reset();
		holder.current?.configure({ ...defaults(), ...options });
	});
	afterAll(async () => {
		await holder.current?.close();
	});
	return {
		get current(): Sandbox {
			if (!holder.current) throw new Error('sandbox not started');
			return holder.current;
		},
	};
}

function defaults(): SandboxOptions {
	return {
		timeScale: 0.01,
		latencyMs: 0,
		concurrencyLimit: 10,
		legacyRunShape: false,
		authStyle: 'hosted',
		quotaExhausted: false,
		telephony: 'ready',
	};
}

export function credentialsFor(sandbox: Sandbox, apiKey = sandbox.apiKey) {
	return { apiKey, baseUrl: sandbox.baseUrl };
}

/** Trigger POSTs the sandbox received, in order. */
export function triggerRequests(sandbox: Sandbox) {
	return sandbox.requests.filter(
		(request) => request.method === 'POST' && request.path.startsWith('/api/v1/public/agent'),
	);
}
