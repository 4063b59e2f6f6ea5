import {
	DEFAULT_OPTIONS,
	startSandbox,
	SEED,
	type Sandbox,
	type SandboxOptions,
} from '../../sandbox';

export { SEED };

/** Starts one sandbox for the suite and forgets its runs, requests and faults after each test. */
export function useSandbox(options: SandboxOptions = {}): { readonly current: Sandbox } {
	const holder: { current?: Sandbox } = {};
	// Every option is restored after each test, so one test's configure() never leaks into the next.
	const suiteOptions: SandboxOptions = { ...DEFAULT_OPTIONS, timeScale: 0.01, ...options };
	beforeAll(async () => {
		holder.current = await startSandbox(suiteOptions);
	});
	afterEach(() => {
		holder.current?.reset();
		holder.current?.configure(suiteOptions);
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

export function credentialsFor(sandbox: Sandbox, apiKey = sandbox.apiKey) {
	return { apiKey, baseUrl: sandbox.baseUrl };
}

/** Trigger POSTs the sandbox received, in order. */
export function triggerRequests(sandbox: Sandbox) {
	return sandbox.requests.filter(
		(request) => request.method === 'POST' && request.path.startsWith('/api/v1/public/agent'),
	);
}
