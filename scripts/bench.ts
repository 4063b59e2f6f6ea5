/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console, @n8n/community-nodes/no-dangerous-functions -- a Node benchmark script, not part of the published package */
// npm run bench [-- --json] [-- --call-seconds 2]
// Every figure compares the node, run in n8n-core's engine, with a plain fetch loop or with the
// API's own ceiling, measured side by side in this run against the sandbox in its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { INodeParameters } from 'n8n-workflow';

import { SEED } from '../sandbox/data';

const { values: args } = parseArgs({
	options: {
		json: { type: 'boolean', default: false },
		'call-seconds': { type: 'string', default: '2' },
		'memory-case': { type: 'string' },
		rounds: { type: 'string', default: '3' },
		'validate-only': { type: 'boolean', default: false },
	},
});

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'sysevo-bench-'));

const API_KEY = SEED.apiKey;
const AGENT_UUID = SEED.agents.renewal.workflowUuid;
const TSX = join(__dirname, '..', 'node_modules', '.bin', 'tsx');

interface Sandbox {
	baseUrl: string;
	origin: string;
	process: ChildProcess;
}

async function startSandboxProcess(): Promise<Sandbox> {
	const child = spawn(TSX, [join(__dirname, '..', 'sandbox', 'cli.ts'), '--port', '0'], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const baseUrl = await new Promise<string>((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (\S+)/.exec(output);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
	});
	return { baseUrl, origin: new URL(baseUrl).origin, process: child };
}

async function admin(
	sandbox: Sandbox,
	method: string,
	path: string,
	body?: object,
): Promise<Record<string, unknown>> {
	const response = await fetch(`${sandbox.origin}/__sandbox/${path}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body ? JSON.stringify(body) : undefined,
	});
	return (await response.json()) as Record<string, unknown>;
}

async function prepare(sandbox: Sandbox, config: object): Promise<void> {
	await admin(sandbox, 'POST', 'reset');
	await admin(sandbox, 'POST', 'config', config);
}

const AREA_CODES = [
	201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219,
];

/** Unique valid US numbers whose last four digits (1000–9999) avoid the sandbox's outcome codes. */
function phones(count: number, offset: number): Array<{ phone: string }> {
	return Array.from({ length: count }, (_, i) => {
		const n = offset + i;
		return { phone: `+1${AREA_CODES[Math.floor(n / 9000)]}555${1000 + (n % 9000)}` };
	});
}

type Engine = typeof import('../test/helpers/engine');
let engine: Engine | undefined;

/** n8n-core is loaded before anything is timed (it reads N8N_USER_FOLDER when it loads). */
async function loadEngine(): Promise<Engine> {
	engine ??= await import('../test/helpers/engine');
	return engine;
}

async function runThroughNode(
	sandbox: Sandbox,
	items: Array<{ phone: string }>,
	options: INodeParameters,
	wait = false,
) {
	const { runNode } = await loadEngine();
	return await runNode({
		parameters: {
			resource: 'call',
			operation: 'trigger',
			agentIdType: 'workflowUuid',
			agent: { __rl: true, mode: 'id', value: AGENT_UUID },
			phoneNumber: '={{ $json.phone }}',
			contextInput: 'keyValue',
			initialContext: { values: [{ key: 'source', value: 'bench' }] },
			waitForCompletion: wait,
			options,
		},
		items,
		credentials: { apiKey: API_KEY, baseUrl: sandbox.baseUrl },
		continueOnFail: true,
	});
}

async function runThroughFetch(
	sandbox: Sandbox,
	items: Array<{ phone: string }>,
	concurrency: number,
): Promise<number> {
	let next = 0;
	let ok = 0;
	const url = `${sandbox.baseUrl}/public/agent/workflow/${AGENT_UUID}`;
	const lane = async () => {
		while (next < items.length) {
			const item = items[next++];
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
				body: JSON.stringify({ phone_number: item.phone, initial_context: { source: 'bench' } }),
			});
			await response.json();
			if (response.ok) ok++;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, lane));
	return ok;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
	const cpu = process.cpuUsage();
	const started = performance.now();
	const result = await work();
	const used = process.cpuUsage(cpu);
	return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, result };
}

/** Alternates node and plain runs so drift on a shared machine hits both alike. */
async function sideBySide(sandbox: Sandbox, config: object, count: number, rounds: number) {
	const node: Array<{ ms: number; cpuMs: number }> = [];
	const plain: Array<{ ms: number; cpuMs: number }> = [];
	await prepare(sandbox, config);
	await runThroughNode(sandbox, phones(50, 60_000), { maxConcurrentCalls: 10 });
	await runThroughFetch(sandbox, phones(50, 61_000), 10);
	for (let round = 0; round < rounds; round++) {
		await prepare(sandbox, config);
		const viaNode = await timed(() =>
			runThroughNode(sandbox, phones(count, 0), { maxConcurrentCalls: 10 }),
		);
		const failed = viaNode.result.json.filter((row) => row.error).length;
		if (failed > 0)
			throw new Error(
				`${failed} node items failed: ${JSON.stringify(viaNode.result.json.find((row) => row.error))}`,
			);
		node.push(viaNode);
		await prepare(sandbox, config);
		const viaFetch = await timed(() => runThroughFetch(sandbox, phones(count, 0), 10));
		if (viaFetch.result !== count)
			throw new Error(`plain loop placed ${viaFetch.result} of ${count} calls`);
		plain.push(viaFetch);
	}
	return {
		nodeMs: median(node.map((run) => run.ms)),
		plainMs: median(plain.map((run) => run.ms)),
		nodeCpuMs: median(node.map((run) => run.cpuMs)),
		plainCpuMs: median(plain.map((run) => run.cpuMs)),
	};
}

/**
 * `executions` executions started together, each calling its share of `calls` with waiting on and
 * the default Max Concurrent Calls, on an organisation cap of `cap` live calls.
 */
async function campaign(
	sandbox: Sandbox,
	callSeconds: number,
	calls: number,
	cap: number,
	executions: number,
) {
	await prepare(sandbox, {
		latencyMs: 0,
		concurrencyLimit: cap,
		timeScale: 1,
		callDurationSeconds: callSeconds,
		transcriptDelaySeconds: 0.2,
	});
	const share = calls / executions;
	const options =
		executions === 1
			? { maxConcurrentCalls: cap, pollIntervalSeconds: 0.1, maxWaitSeconds: 600 }
			: { pollIntervalSeconds: 0.1, maxWaitSeconds: 600 };
	const run = await timed(() =>
		Promise.all(
			Array.from({ length: executions }, (_, index) =>
				runThroughNode(sandbox, phones(share, 20_000 + index * share), options, true),
			),
		),
	);
	const rows = run.result.flatMap((result) => result.json);
	const stats = await admin(sandbox, 'GET', 'stats');
	const dials = stats.dials as Record<string, number>;
	const completed = rows.filter((row) => row.run_status === 'completed').length;
	const perMinute = completed / (run.ms / 60_000);
	const ceiling = (cap * 60) / callSeconds;
	return {
		seconds: run.ms / 1000,
		completed,
		efficiency: perMinute / ceiling,
		failed429: rows.filter((row) => row.http_code === '429').length,
		duplicates: Object.values(dials).reduce((sum, count) => sum + Math.max(0, count - 1), 0),
		lost: calls - rows.length,
	};
}

async function memoryChild(baseUrl: string): Promise<void> {
	const sandbox = {
		baseUrl,
		origin: new URL(baseUrl).origin,
		process: undefined as unknown as ChildProcess,
	};
	await runThroughNode(sandbox, phones(100, 90_000), { maxConcurrentCalls: 10 });
	const baseline = process.memoryUsage().rss;
	const { json } = await runThroughNode(sandbox, phones(10_000, 100_000), {
		maxConcurrentCalls: 10,
	});
	console.log(
		JSON.stringify({
			items: json.length,
			failed: json.filter((row) => row.error).length,
			baselineRss: baseline,
			maxRss: process.resourceUsage().maxRSS * 1024,
		}),
	);
}

async function peakMemory(sandbox: Sandbox) {
	await prepare(sandbox, { latencyMs: 0, concurrencyLimit: 1_000_000, timeScale: 0.001 });
	const child = spawn(TSX, [__filename, '--memory-case', sandbox.baseUrl], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	await new Promise((resolve) => child.once('exit', resolve));
	return JSON.parse(output.trim().split('\n').pop()!) as {
		items: number;
		failed: number;
		baselineRss: number;
		maxRss: number;
	};
}

/**
 * Validate Number over 10,000 items in n8n's engine. It sends no request; the credential points at
 * a closed port, so one would fail its item.
 */
async function validateNumbers(
	count: number,
	options: INodeParameters = { allowedCountries: ['US', 'CA'] },
	numbers = (n: number) => phones(n, 0).map(({ phone }) => phone),
) {
	const { runNode } = await loadEngine();
	const items = numbers(count).map((phone, i) => ({ phone: i % 10 === 9 ? '12' : phone }));
	const { ms, result } = await timed(
		async () =>
			await runNode({
				parameters: {
					resource: 'number',
					operation: 'validate',
					phoneNumber: '={{ $json.phone }}',
					options,
				},
				items,
				credentials: { apiKey: '', baseUrl: 'http://127.0.0.1:9/api/v1' },
			}),
	);
	const valid = result.json.filter((row) => row.valid === true).length;
	const callable = result.json.filter((row) => row.callable_now === true).length;
	const opening = result.json.filter((row) => typeof row.next_call_at === 'string').length;
	return { ms, items: result.json.length, valid, callable, opening, failed: result.error ? 1 : 0 };
}

/** Numbers of many countries and time zones (US, Canada, Australia, France, Russia, Brazil, ...). */
const WORLD_NUMBER_STEMS = [
	'+1212555',
	'+1850555',
	'+1208555',
	'+1416555',
	'+1671555',
	'+61291',
	'+61731',
	'+61412',
	'+33142',
	'+33612',
	'+49301',
	'+44207',
	'+81312',
	'+74951',
	'+79161',
	'+55813',
	'+55113',
	'+91981',
	'+97714',
	'+1800555',
];

function worldNumbers(count: number): string[] {
	return Array.from({ length: count }, (_, i) => {
		const stem = WORLD_NUMBER_STEMS[i % WORLD_NUMBER_STEMS.length];
		const digits = stem.startsWith('+1') ? 11 : stem.startsWith('+55') ? 12 : 11;
		const rest = String(1000000 + i).slice(-(digits - (stem.length - 1)));
		return `${stem}${rest}`;
	});
}

/** Validate Number with Calling Hours: the same 10,000 items, once without and once with legal hours. */
async function validateWithCallingHours(count: number) {
	const options = { allowedCountries: [] };
	const without = await validateNumbers(count, options, worldNumbers);
	const legal = await validateNumbers(count, { ...options, callingHours: 'legal' }, worldNumbers);
	return { without, legal };
}

async function main(): Promise<void> {
	if (args['memory-case']) return await memoryChild(args['memory-case']);

	if (args['validate-only']) {
		const { without, legal } = await validateWithCallingHours(10_000);
		console.log(
			`Validate Number, 10,000 numbers of ${WORLD_NUMBER_STEMS.length} countries and zones: ${(without.ms / 1000).toFixed(2)} s with Calling Hours Any Time, ${(legal.ms / 1000).toFixed(2)} s with Legal (${legal.valid} valid, ${legal.callable} callable now, ${legal.opening} with next_call_at), no request sent`,
		);
		return;
	}
	const rounds = Number(args.rounds);
	const callSeconds = Number(args['call-seconds']);
	const sandbox = await startSandboxProcess();
	try {
		const latency = await sideBySide(
			sandbox,
			{ latencyMs: 100, concurrencyLimit: 1_000_000, timeScale: 0.01 },
			500,
			rounds,
		);
		const cpu = await sideBySide(
			sandbox,
			{ latencyMs: 0, concurrencyLimit: 1_000_000, timeScale: 0.01 },
			500,
			rounds,
		);
		const run = await campaign(sandbox, callSeconds, 200, 10, 1);
		const run4 = await campaign(sandbox, callSeconds, 200, 10, 4);
		const memory = await peakMemory(sandbox);
		const validation = await validateNumbers(10_000);

		const figures = {
			overhead_ratio: latency.nodeMs / latency.plainMs,
			cpu_ratio: cpu.nodeCpuMs / cpu.plainCpuMs,
			campaign_efficiency: run.efficiency,
			campaign_efficiency_4x: run4.efficiency,
			duplicates: run.duplicates + run4.duplicates,
			lost: run.lost + run4.lost,
			failed_429: run.failed429 + run4.failed429,
			peak_rss_mb: memory.maxRss / 2 ** 20,
			validate_10k_seconds: validation.ms / 1000,
		};
		const round = (value: number, digits = 2) => Number(value.toFixed(digits));
		console.log(
			`Throughput, 500 Trigger Call items, 10 at a time, API latency 100 ms (median of ${rounds}):`,
		);
		console.log(
			`  node ${round(latency.nodeMs / 1000)} s, plain fetch loop ${round(latency.plainMs / 1000)} s, ratio ${round(figures.overhead_ratio, 3)}`,
		);
		console.log(
			`CPU per item at zero latency (median of ${rounds}): node ${round(cpu.nodeCpuMs / 500, 3)} ms, plain ${round(cpu.plainCpuMs / 500, 3)} ms, ratio ${round(figures.cpu_ratio)}`,
		);
		console.log(
			`Campaign, 200 calls of ${callSeconds} s, cap 10, waiting on: ${round(run.seconds, 1)} s, ${run.completed} completed`,
		);
		console.log(
			`  efficiency ${round(run.efficiency, 3)} of the ceiling (10 × 60 / ${callSeconds} = ${round(600 / callSeconds, 1)} calls/min); 429-failed ${run.failed429}, duplicate dials ${run.duplicates}, lost ${run.lost}`,
		);
		console.log(
			`Campaign, 4 executions at once × 50 calls of ${callSeconds} s, default Max Concurrent Calls, shared cap 10: ${round(run4.seconds, 1)} s, ${run4.completed} completed`,
		);
		console.log(
			`  efficiency ${round(run4.efficiency, 3)} of the ceiling; 429-failed ${run4.failed429}, duplicate dials ${run4.duplicates}, lost ${run4.lost}`,
		);
		console.log(
			`Memory, 10,000 items: peak RSS ${round(figures.peak_rss_mb, 1)} MB (after loading: ${round(memory.baselineRss / 2 ** 20, 1)} MB), ${memory.items} items out, ${memory.failed} failed`,
		);
		console.log(
			`Validate Number, 10,000 items: ${round(validation.ms / 1000)} s (target under 5 s), ${validation.valid} valid of ${validation.items}, no request sent`,
		);
		if (args.json)
			console.log(
				JSON.stringify(
					Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, round(value, 3)])),
				),
			);
	} finally {
		sandbox.process.kill('SIGTERM');
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
