/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console, @n8n/community-nodes/no-dangerous-functions -- a Node benchmark script, not part of the published package */
// npm run bench [-- --json] [-- --check] [-- --call-seconds 2] [-- --rounds 5] [-- --profile DIR]
// [-- --only cpu_ratio,peak_rss_mb] (only the measurements of these figures)
// Every figure compares the node, run in n8n-core's engine, with a plain fetch loop or with the
// API's own ceiling, measured side by side in this run against the sandbox in its own process.
// --check compares the figures with scripts/bench-thresholds.json: exit 2 when a timing figure
// misses its target but not its regression bound, 3 on a regression or a miss of a figure without
// a bound (the defect counts, cpu_ratio_to_minimal_node).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';

import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';

import { SEED } from '../sandbox/data';

const { values: args } = parseArgs({
	options: {
		json: { type: 'boolean', default: false },
		check: { type: 'boolean', default: false },
		'call-seconds': { type: 'string', default: '2' },
		'memory-case': { type: 'string' },
		'heap-snapshot-dir': { type: 'string' },
		profile: { type: 'string' },
		rounds: { type: 'string', default: '5' },
		only: { type: 'string' },
		'validate-only': { type: 'boolean', default: false },
	},
});

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'sysevo-bench-'));

const API_KEY = SEED.apiKey;
const AGENT_UUID = SEED.agents.renewal.workflowUuid;
const TSX = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
const THRESHOLDS_FILE = join(__dirname, 'bench-thresholds.json');

/** The sandbox's timing in the campaigns (simulated seconds at time scale 1). */
const OUTCOME_SETTLE_SECONDS = 4;
const TRANSCRIPT_DELAY_SECONDS = 0.2;
const CAMPAIGN_CALLS = 200;
const CAMPAIGN_CAP = 10;
const MEMORY_ITEMS = 10_000;

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
	origin: string,
	method: string,
	path: string,
	body?: object,
): Promise<Record<string, unknown>> {
	const response = await fetch(`${origin}/__sandbox/${path}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body ? JSON.stringify(body) : undefined,
	});
	return (await response.json()) as Record<string, unknown>;
}

async function prepare(sandbox: Sandbox, config: object): Promise<void> {
	await admin(sandbox.origin, 'POST', 'reset');
	await admin(sandbox.origin, 'POST', 'config', config);
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

function triggerParameters(options: INodeParameters, wait: boolean): INodeParameters {
	return {
		resource: 'call',
		operation: 'trigger',
		agentIdType: 'workflowUuid',
		agent: { __rl: true, mode: 'id', value: AGENT_UUID },
		phoneNumber: '={{ $json.phone }}',
		contextInput: 'keyValue',
		initialContext: { values: [{ key: 'source', value: 'bench' }] },
		waitForCompletion: wait,
		options,
	};
}

async function runThroughNode(
	baseUrl: string,
	items: Array<{ phone: string }>,
	options: INodeParameters,
	wait = false,
	executionId?: string,
) {
	const { runNode } = await loadEngine();
	return await runNode({
		parameters: triggerParameters(options, wait),
		items,
		credentials: { apiKey: API_KEY, baseUrl },
		continueOnFail: true,
		executionId,
	});
}

/**
 * The least a node built on n8n's request helper does per item, 10 at a time: n8n resolves the
 * Phone Number expression and sends one trigger with `httpRequestWithAuthentication`; no checks,
 * no ledger, no pacing, no output shaping. Its CPU next to the plain loop's is n8n's part of
 * `cpu_ratio`.
 */
async function runThroughMinimalNode(baseUrl: string, items: Array<{ phone: string }>) {
	const { runNode } = await loadEngine();
	const { Sysevo } = await import('../nodes/Sysevo/Sysevo.node');
	const url = `${baseUrl}/public/agent/workflow/${AGENT_UUID}`;
	const nodeType: INodeType = {
		description: new Sysevo().description,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const input = this.getInputData();
			const rows: INodeExecutionData[] = new Array(input.length);
			let next = 0;
			const lane = async () => {
				while (next < input.length) {
					const i = next++;
					const response = (await this.helpers.httpRequestWithAuthentication.call(
						this,
						'sysevoApi',
						{
							method: 'POST',
							url,
							body: {
								phone_number: this.getNodeParameter('phoneNumber', i),
								initial_context: { source: 'bench' },
							},
							json: true,
							timeout: 30_000,
							returnFullResponse: true,
							ignoreHttpStatusErrors: true,
							disableFollowRedirect: true,
						},
					)) as { statusCode: number; body: IDataObject };
					rows[i] = {
						json: response.statusCode === 200 ? response.body : { error: response.statusCode },
						pairedItem: { item: i },
					};
				}
			};
			await Promise.all(Array.from({ length: 10 }, lane));
			return [rows];
		},
	};
	return await runNode({
		parameters: triggerParameters({}, false),
		items,
		credentials: { apiKey: API_KEY, baseUrl },
		continueOnFail: true,
		nodeType,
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
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
	const cpu = process.cpuUsage();
	const started = performance.now();
	const result = await work();
	const used = process.cpuUsage(cpu);
	return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, result };
}

let warm = false;
/**
 * Untimed rounds before any figure. V8 keeps optimising both sides for several rounds: in the
 * first rounds of a process the plain loop used up to three times its later CPU per item, more
 * than the node did, which made the node look cheaper than it is (docs/performance.md).
 */
const WARM_UP_ROUNDS = 4;

/** Loads n8n-core and the node and runs every side until its CPU per item has settled. */
async function warmUp(sandbox: Sandbox): Promise<void> {
	if (warm) return;
	for (let round = 0; round < WARM_UP_ROUNDS; round++) {
		await prepare(sandbox, { latencyMs: 0, concurrencyLimit: 1_000_000, timeScale: 0.01 });
		await runThroughNode(sandbox.baseUrl, phones(500, 60_000), { maxConcurrentCalls: 10 });
		await runThroughMinimalNode(sandbox.baseUrl, phones(500, 61_000));
		await runThroughFetch(sandbox, phones(500, 62_000), 10);
	}
	warm = true;
}

/**
 * Alternates the node, the minimal node and the plain loop so drift on a shared machine hits all
 * alike; each round's ratio is of that round's runs, and a figure is the median of the rounds'.
 */
async function sideBySide(sandbox: Sandbox, config: object, count: number, rounds: number) {
	const node: Array<{ ms: number; cpuMs: number }> = [];
	const plain: Array<{ ms: number; cpuMs: number }> = [];
	const minimal: Array<{ ms: number; cpuMs: number }> = [];
	await warmUp(sandbox);
	for (let round = 0; round < rounds; round++) {
		await prepare(sandbox, config);
		const viaNode = await timed(() =>
			runThroughNode(sandbox.baseUrl, phones(count, 0), { maxConcurrentCalls: 10 }),
		);
		const failed = viaNode.result.json.filter((row) => row.error).length;
		if (failed > 0)
			throw new Error(
				`${failed} node items failed: ${JSON.stringify(viaNode.result.json.find((row) => row.error))}`,
			);
		node.push(viaNode);
		await prepare(sandbox, config);
		const viaMinimal = await timed(() => runThroughMinimalNode(sandbox.baseUrl, phones(count, 0)));
		if (viaMinimal.result.json.some((row) => row.error))
			throw new Error('the minimal node failed items');
		minimal.push(viaMinimal);
		await prepare(sandbox, config);
		const viaFetch = await timed(() => runThroughFetch(sandbox, phones(count, 0), 10));
		if (viaFetch.result !== count)
			throw new Error(`plain loop placed ${viaFetch.result} of ${count} calls`);
		plain.push(viaFetch);
	}
	return {
		timeRatio: median(node.map((run, i) => run.ms / plain[i].ms)),
		cpuRatio: median(node.map((run, i) => run.cpuMs / plain[i].cpuMs)),
		nodeMs: median(node.map((run) => run.ms)),
		plainMs: median(plain.map((run) => run.ms)),
		nodeCpuMs: median(node.map((run) => run.cpuMs)),
		plainCpuMs: median(plain.map((run) => run.cpuMs)),
		minimalCpuRatio: median(minimal.map((run, i) => run.cpuMs / plain[i].cpuMs)),
		minimalCpuMs: median(minimal.map((run) => run.cpuMs)),
		/** Node ÷ minimal node in each round: what the node adds to n8n's own part. */
		cpuRatioToMinimal: median(node.map((run, i) => run.cpuMs / minimal[i].cpuMs)),
		minimalTimeRatio: median(minimal.map((run, i) => run.ms / plain[i].ms)),
	};
}

/**
 * The shortest time any client could take: every call holds one of the cap's slots for its whole
 * length, so calls × length ÷ cap; then the last outcome is written once, the settle time after
 * the last call ends, and its transcript the transcript delay after that (only counted because
 * the campaign asks for transcripts).
 */
function ceilingOf(callSeconds: number, withTranscript: boolean) {
	const calling = (CAMPAIGN_CALLS * callSeconds) / CAMPAIGN_CAP;
	const transcript = withTranscript ? TRANSCRIPT_DELAY_SECONDS : 0;
	return {
		seconds: calling + OUTCOME_SETTLE_SECONDS + transcript,
		how: `${CAMPAIGN_CALLS} calls × ${callSeconds} s ÷ cap ${CAMPAIGN_CAP} = ${calling} s, + outcome settle ${OUTCOME_SETTLE_SECONDS} s once at the end${withTranscript ? `, + transcript delay ${TRANSCRIPT_DELAY_SECONDS} s (transcripts are asked for)` : ''}`,
	};
}

/**
 * `executions` executions started together, each calling its share of the calls with waiting on
 * and transcripts asked for, on an organisation cap of CAMPAIGN_CAP live calls. One execution
 * uses Max Concurrent Calls = the cap; several use the default.
 */
async function campaign(sandbox: Sandbox, callSeconds: number, executions: number) {
	await warmUp(sandbox);
	await prepare(sandbox, {
		latencyMs: 0,
		concurrencyLimit: CAMPAIGN_CAP,
		timeScale: 1,
		callDurationSeconds: callSeconds,
		outcomeSettleSeconds: OUTCOME_SETTLE_SECONDS,
		transcriptDelaySeconds: TRANSCRIPT_DELAY_SECONDS,
	});
	const share = CAMPAIGN_CALLS / executions;
	const waiting = { pollIntervalSeconds: 0.1, maxWaitSeconds: 600, includeTranscript: true };
	const options = executions === 1 ? { ...waiting, maxConcurrentCalls: CAMPAIGN_CAP } : waiting;
	const startedAt = Date.now();
	const run = await timed(() =>
		Promise.all(
			Array.from({ length: executions }, (_, index) =>
				runThroughNode(
					sandbox.baseUrl,
					phones(share, 20_000 + index * share),
					options,
					true,
					`campaign-${index}`,
				),
			),
		),
	);
	const rows = run.result.flatMap((result) => result.json);
	const stats = await admin(sandbox.origin, 'GET', 'stats');
	const dials = stats.dials as Record<string, number>;
	const ceiling = ceilingOf(callSeconds, true);
	const phases = phasesOf(
		(await admin(sandbox.origin, 'GET', 'runs')) as unknown as RunTimes[],
		startedAt,
		startedAt + run.ms,
	);
	return {
		phases,
		seconds: run.ms / 1000,
		ceiling,
		completed: rows.filter((row) => row.run_status === 'completed').length,
		withTranscript: rows.filter((row) => typeof row.transcript === 'string').length,
		efficiency: ceiling.seconds / (run.ms / 1000),
		failed429: rows.filter((row) => row.http_code === '429').length,
		duplicates: Object.values(dials).reduce((sum, count) => sum + Math.max(0, count - 1), 0),
		lost: CAMPAIGN_CALLS - rows.length,
		maxLiveCalls: stats.maxLiveCalls as number,
	};
}

interface RunTimes {
	created_at: string;
	logs: { telephony_status_callbacks?: Array<{ status: string; timestamp: string }> } | null;
}

/**
 * Where a campaign's time went, from the sandbox's own clock: until the first dial, from the
 * first dial to the last call's end (the calling phase, calls × length ÷ cap at best), and from
 * the last call's end to the node's return (outcome settle and transcript at best).
 */
function phasesOf(allRuns: RunTimes[], startedAt: number, endedAt: number) {
	const runs = allRuns.filter((run) => Date.parse(run.created_at) >= startedAt);
	const starts = runs.map((run) => Date.parse(run.created_at));
	const ends = runs.map((run) => {
		const completed = run.logs?.telephony_status_callbacks?.find(
			(callback) => callback.status === 'completed',
		);
		return completed ? Date.parse(completed.timestamp) : Number.NaN;
	});
	const firstDial = Math.min(...starts);
	const lastEnd = Math.max(...ends.filter((end) => !Number.isNaN(end)));
	// A slot freed by the k-th call end is taken by the (cap + k)-th dial.
	const sortedStarts = [...starts].sort((a, b) => a - b);
	const sortedEnds = ends.filter((end) => !Number.isNaN(end)).sort((a, b) => a - b);
	const gaps = sortedStarts.slice(CAMPAIGN_CAP).map((start, k) => start - sortedEnds[k]);
	return {
		medianGapMs: median(gaps),
		toFirstDial: (firstDial - startedAt) / 1000,
		calling: (lastEnd - firstDial) / 1000,
		afterLastEnd: (endedAt - lastEnd) / 1000,
	};
}

/** Writes a heap snapshot once the sandbox has answered half of the memory run's triggers. */
function snapshotHalfway(origin: string, dir: string): () => void {
	let taken = false;
	const timer = setInterval(() => {
		void admin(origin, 'GET', 'stats').then((stats) => {
			const dialled = Object.keys(stats.dials as object).length;
			if (taken || dialled < MEMORY_ITEMS / 2) return;
			taken = true;
			clearInterval(timer);
			const file = writeHeapSnapshot(join(dir, 'memory-case.heapsnapshot'));
			console.error(`heap snapshot at ${dialled} dials: ${file}`);
		});
	}, 200);
	return () => clearInterval(timer);
}

async function memoryChild(baseUrl: string): Promise<void> {
	const origin = new URL(baseUrl).origin;
	await runThroughNode(baseUrl, phones(100, 90_000), { maxConcurrentCalls: 10 });
	const before = process.memoryUsage();
	await admin(origin, 'POST', 'reset');
	const snapshotDir = args['heap-snapshot-dir'];
	const stopSnapshot = snapshotDir ? snapshotHalfway(origin, snapshotDir) : () => {};
	const { json } = await runThroughNode(baseUrl, phones(MEMORY_ITEMS, 100_000), {
		maxConcurrentCalls: 10,
	});
	stopSnapshot();
	console.log(
		JSON.stringify({
			items: json.length,
			failed: json.filter((row) => row.error).length,
			baselineRss: before.rss,
			baselineHeap: before.heapUsed,
			maxRss: process.resourceUsage().maxRSS * 1024,
		}),
	);
}

/**
 * This script and the sources it runs (the node, its credential, the engine helper) compiled to
 * one JavaScript file, packages left to node_modules: n8n loads compiled JavaScript, and tsx's
 * loader would add a thread of its own (about 45 MB) to the process being measured.
 */
async function compiledBench(): Promise<string> {
	const outfile = join(mkdtempSync(join(tmpdir(), 'sysevo-bench-build-')), 'bench.cjs');
	const { build } = await import('esbuild');
	await build({
		entryPoints: [__filename],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		packages: 'external',
		logLevel: 'error',
	});
	return outfile;
}

/**
 * 10,000 items in a fresh Node process (no waiting, 10 at a time, calls that end at once). The
 * baseline is what the process holds before the node runs: Node, n8n-core and n8n-workflow
 * loaded, the node loaded and run once over 100 items.
 */
async function peakMemory(sandbox: Sandbox) {
	await prepare(sandbox, { latencyMs: 0, concurrencyLimit: 1_000_000, timeScale: 0.001 });
	const profileDir = args.profile ? resolve(args.profile) : undefined;
	const nodeFlags = profileDir
		? [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`, '--cpu-prof-name=memory-case.cpuprofile']
		: [];
	if (profileDir) mkdirSync(profileDir, { recursive: true });
	const child = spawn(
		process.execPath,
		[
			...nodeFlags,
			await compiledBench(),
			'--memory-case',
			sandbox.baseUrl,
			...(profileDir ? ['--heap-snapshot-dir', profileDir] : []),
		],
		{
			stdio: ['ignore', 'pipe', 'inherit'],
			env: { ...process.env, NODE_PATH: join(__dirname, '..', 'node_modules') },
		},
	);
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	await new Promise((resolve) => child.once('exit', resolve));
	return JSON.parse(output.trim().split('\n').pop()!) as {
		items: number;
		failed: number;
		baselineRss: number;
		baselineHeap: number;
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
		const digits = stem.startsWith('+55') ? 12 : 11;
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

type Figures = Record<string, number>;
interface Threshold {
	min?: number;
	max?: number;
	/** A timing figure: on a miss, its measurement runs once more and the better run counts. */
	timing?: boolean;
	/**
	 * For a timing figure: past this value (in the target's direction) a miss is a regression, not
	 * the machine's noise, and `--check` exits 3. A miss of a figure without it is always a regression.
	 */
	regression?: number;
}
type Thresholds = Record<string, Threshold>;

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function misses(figures: Figures, thresholds: Thresholds, name: string): boolean {
	const { min, max } = thresholds[name];
	const value = round(figures[name], 3);
	return (min !== undefined && value < min) || (max !== undefined && value > max);
}

/** A miss past the figure's regression bound, or any miss of a figure without one (a defect count). */
function regresses(figures: Figures, thresholds: Thresholds, name: string): boolean {
	const { min, regression } = thresholds[name];
	if (!misses(figures, thresholds, name)) return false;
	if (regression === undefined) return true;
	const value = round(figures[name], 3);
	return min !== undefined ? value < regression : value > regression;
}

/** The better of two values of a figure, by its threshold's direction. */
function better(threshold: Threshold, a: number, b: number): number {
	return threshold.min !== undefined ? Math.max(a, b) : Math.min(a, b);
}

/** One measurement: prints what it saw and returns its figures. Counts add up over repeats. */
interface Measurement {
	figures: string[];
	/** Figures that are counts of defects: summed over every run, never the better one. */
	counts?: string[];
	run: () => Promise<Figures>;
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
	const thresholds = JSON.parse(readFileSync(THRESHOLDS_FILE, 'utf8')) as Thresholds;
	const sandbox = await startSandboxProcess();

	const measurements: Measurement[] = [
		{
			figures: ['overhead_ratio', 'cpu_ratio_at_100ms', 'overhead_ratio_minimal_node'],
			run: async () => {
				const latency = await sideBySide(
					sandbox,
					{ latencyMs: 100, concurrencyLimit: 1_000_000, timeScale: 0.01 },
					500,
					rounds,
				);
				console.log(
					`Throughput, 500 Trigger Call items, 10 at a time, API latency 100 ms (median of ${rounds} rounds):`,
				);
				console.log(
					`  node ${round(latency.nodeMs / 1000)} s, plain fetch loop ${round(latency.plainMs / 1000)} s, ratio ${round(latency.timeRatio, 3)}`,
				);
				console.log(
					`  CPU per item in the same rounds: node ${round(latency.nodeCpuMs / 500, 3)} ms, plain ${round(latency.plainCpuMs / 500, 3)} ms, ratio ${round(latency.cpuRatio, 3)} (not a target)`,
				);
				console.log(
					`  n8n's part: a minimal node ${round(latency.minimalTimeRatio, 3)} of the plain loop's time, CPU ${round(latency.minimalCpuMs / 500, 3)} ms per item (not a target)`,
				);
				return {
					overhead_ratio: latency.timeRatio,
					cpu_ratio_at_100ms: latency.cpuRatio,
					overhead_ratio_minimal_node: latency.minimalTimeRatio,
				};
			},
		},
		{
			figures: ['cpu_ratio', 'cpu_ratio_minimal_node', 'cpu_ratio_to_minimal_node'],
			run: async () => {
				// A round at zero latency takes about a second: three times the rounds cost little and
				// steady the median of a figure that moves with the plain loop's CPU per item.
				const cpuRounds = rounds * 3;
				const cpu = await sideBySide(
					sandbox,
					{ latencyMs: 0, concurrencyLimit: 1_000_000, timeScale: 0.01 },
					500,
					cpuRounds,
				);
				console.log(
					`CPU per item at zero latency (median of ${cpuRounds} rounds): node ${round(cpu.nodeCpuMs / 500, 3)} ms, plain ${round(cpu.plainCpuMs / 500, 3)} ms, ratio ${round(cpu.cpuRatio, 3)}`,
				);
				console.log(
					`  n8n's part: a minimal node (one expression and one request per item) ${round(cpu.minimalCpuMs / 500, 3)} ms, ratio ${round(cpu.minimalCpuRatio, 3)} (not a target)`,
				);
				console.log(
					`  the node's own part: node ÷ minimal node ${round(cpu.cpuRatioToMinimal, 3)} (median of the rounds' ratios)`,
				);
				return {
					cpu_ratio: cpu.cpuRatio,
					cpu_ratio_minimal_node: cpu.minimalCpuRatio,
					cpu_ratio_to_minimal_node: cpu.cpuRatioToMinimal,
				};
			},
		},
		...[1, 4].map(
			(executions): Measurement => ({
				figures: [executions === 1 ? 'campaign_efficiency' : 'campaign_efficiency_4x'],
				counts: ['duplicates', 'lost', 'failed_429'],
				run: async () => {
					const run = await campaign(sandbox, callSeconds, executions);
					console.log(
						executions === 1
							? `Campaign, ${CAMPAIGN_CALLS} calls of ${callSeconds} s, cap ${CAMPAIGN_CAP}, Max Concurrent Calls ${CAMPAIGN_CAP}, waiting on, transcripts asked for:`
							: `Campaign, ${executions} executions at once × ${CAMPAIGN_CALLS / executions} calls of ${callSeconds} s, default Max Concurrent Calls, shared cap ${CAMPAIGN_CAP}:`,
					);
					console.log(`  ceiling ${round(run.ceiling.seconds, 1)} s: ${run.ceiling.how}`);
					console.log(
						`  phases: first dial after ${round(run.phases.toFirstDial, 2)} s, calling ${round(run.phases.calling, 2)} s (median ${round(run.phases.medianGapMs, 0)} ms from a call's end to the next dial), after the last call ended ${round(run.phases.afterLastEnd, 2)} s`,
					);
					console.log(
						`  took ${round(run.seconds, 2)} s: efficiency ${round(run.efficiency, 3)} of the ceiling; ${run.completed} completed, ${run.withTranscript} with transcript, at most ${run.maxLiveCalls} live; 429-failed ${run.failed429}, duplicate dials ${run.duplicates}, lost ${run.lost}`,
					);
					return {
						[executions === 1 ? 'campaign_efficiency' : 'campaign_efficiency_4x']: run.efficiency,
						duplicates: run.duplicates,
						lost: run.lost,
						failed_429: run.failed429,
					};
				},
			}),
		),
		{
			figures: ['peak_rss_mb'],
			run: async () => {
				const memory = await peakMemory(sandbox);
				if (memory.items !== MEMORY_ITEMS || memory.failed > 0)
					throw new Error(`memory run: ${memory.items} items out, ${memory.failed} failed`);
				console.log(
					`Memory, ${MEMORY_ITEMS.toLocaleString('en')} items: peak RSS ${round(memory.maxRss / 2 ** 20, 1)} MB; before the node ran the process held ${round(memory.baselineRss / 2 ** 20, 1)} MB RSS (${round(memory.baselineHeap / 2 ** 20, 1)} MB JS heap: Node, n8n-core, n8n-workflow and the compiled node loaded, one warm-up run of 100 items)`,
				);
				return { peak_rss_mb: memory.maxRss / 2 ** 20 };
			},
		},
		{
			figures: ['validate_10k_seconds'],
			run: async () => {
				const validation = await validateNumbers(10_000);
				console.log(
					`Validate Number, 10,000 items: ${round(validation.ms / 1000)} s, ${validation.valid} valid of ${validation.items}, no request sent`,
				);
				return { validate_10k_seconds: validation.ms / 1000 };
			},
		},
	];

	const only = args.only?.split(',');
	if (only) {
		for (let k = measurements.length - 1; k >= 0; k--)
			if (!measurements[k].figures.some((name) => only.includes(name))) measurements.splice(k, 1);
		for (const name of Object.keys(thresholds)) if (!only.includes(name)) delete thresholds[name];
	}
	const figures: Figures = {};
	const repeated: string[] = [];
	try {
		for (const measurement of measurements) Object.assign(figures, await measurement.run());
		if (args.check) {
			for (const measurement of measurements) {
				const retry = measurement.figures.filter(
					(name) => thresholds[name]?.timing && misses(figures, thresholds, name),
				);
				if (retry.length === 0) continue;
				console.log(
					`Again, once (${retry.join(', ')} missed; the better of two complete runs counts):`,
				);
				const again = await measurement.run();
				// A figure without a target comes from the same run as the measurement's target.
				const gated = measurement.figures.find((name) => thresholds[name]);
				const secondCounts =
					gated !== undefined &&
					better(thresholds[gated], figures[gated], again[gated]) === again[gated];
				for (const name of measurement.figures) {
					if (thresholds[name])
						figures[name] = better(thresholds[name], figures[name], again[name]);
					else if (secondCounts) figures[name] = again[name];
				}
				for (const name of measurement.counts ?? []) figures[name] += again[name];
				repeated.push(...retry);
			}
		}
	} finally {
		sandbox.process.kill('SIGTERM');
	}

	let failed = false;
	let regressed = false;
	if (args.check) {
		console.log(`Targets (${THRESHOLDS_FILE.replace(/.*\/scripts\//, 'scripts/')}):`);
		for (const [name, threshold] of Object.entries(thresholds)) {
			const value = round(figures[name], 3);
			const bound = threshold.max !== undefined ? `≤ ${threshold.max}` : `≥ ${threshold.min}`;
			const limit = threshold.max ?? threshold.min!;
			const miss = misses(figures, thresholds, name);
			const regression = regresses(figures, thresholds, name);
			failed ||= miss;
			regressed ||= regression;
			const margin =
				limit === 0 ? '' : `, margin ${round((Math.abs(limit - value) / limit) * 100, 1)}%`;
			const regressionBound =
				threshold.regression === undefined ? '' : `, regression past ${threshold.regression}`;
			console.log(
				`  ${regression ? 'FAIL' : miss ? 'MISS' : 'ok  '} ${name} ${value} (target ${bound}${miss ? regressionBound : margin})${repeated.includes(name) ? ', better of two runs' : ''}`,
			);
		}
	}
	if (args.json)
		console.log(
			JSON.stringify(
				Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, round(value, 3)])),
			),
		);
	// 3: a regression, or a miss of a figure without a bound; 2: a timing target missed within its
	// regression bound; 1: the bench itself broke (main's catch).
	if (regressed) {
		console.error(
			'bench: a figure regressed past its bound, or a figure without one missed (a defect count, the node CPU ÷ a minimal node)',
		);
		process.exitCode = 3;
	} else if (failed) {
		console.error('bench: a timing figure missed its target, within its regression bound');
		process.exitCode = 2;
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
