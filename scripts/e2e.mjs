#!/usr/bin/env node
// End-to-end test in a real, pinned n8n (scripts/provision-n8n.sh): builds and packs this package,
// installs the tarball as a community package into a fresh n8n user folder, starts the Sysevo
// sandbox as its own process, imports a credential plus test/e2e/workflows/*.json and
// examples/*.json, runs the runnable ones with `n8n execute --id`, then starts `n8n start` once to
// check what only a running instance can: the CRM webhook example over HTTP, the Sysevo Trigger in
// polling mode, and that every node type used by every workflow (the AI tool variant included) is
// known to n8n. Ends with `e2e: N passed, M failed`; exits 1 on any failure.
//
// Environment: SYSEVO_E2E_SKIP_BUILD=1 skips `npm run build` (dist/ must be current);
// SYSEVO_E2E_KEEP=1 keeps the temp folder (n8n user folder, logs) for inspection;
// SYSEVO_E2E_NO_PACKAGE=1 leaves the package out, to see the test fail loudly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

import {
	ROOT,
	freePort,
	installTarball,
	jsonFiles,
	log,
	n8nCli,
	n8nEnv,
	ownerSession,
	packPackage,
	provisionN8n,
	run,
	sleep,
	stageExampleFiles,
	stageWorkflows,
	startN8n,
	startSandbox,
	stopAll,
	stopChildrenOnSignals,
	writeCredentialFile,
} from './lib/harness.mjs';

const SYSEVO = 'n8n-nodes-sysevo.sysevo';
const results = [];
const timings = [];
let fatal = false;
const cleanup = []; // temp folders, removed at the end unless SYSEVO_E2E_KEEP=1

function check(name, fn) {
	try {
		const detail = fn();
		results.push({ name, ok: true });
		console.log(`  PASS  ${name}${detail ? ` (${detail})` : ''}`);
	} catch (error) {
		results.push({ name, ok: false });
		console.log(
			`  FAIL  ${name}\n        ${String(error?.message ?? error)
				.split('\n')
				.join('\n        ')}`,
		);
	}
}

function expect(condition, message) {
	if (!condition) throw new Error(message);
}

function eq(actual, expected, label) {
	expect(
		JSON.stringify(actual) === JSON.stringify(expected),
		`${label}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
	);
}

async function timed(label, fn) {
	const t0 = Date.now();
	try {
		return await fn();
	} finally {
		const seconds = ((Date.now() - t0) / 1000).toFixed(1);
		timings.push([label, seconds]);
		log(`${label}: ${seconds} s`);
	}
}

function loudFailure(message) {
	fatal = true;
	const bar = '!'.repeat(78);
	console.error(`\n${bar}\n!! ${message.split('\n').join('\n!! ')}\n${bar}\n`);
}

// n8n 2.41 `execute` reports a workflow with an unknown node type as "No active execution found"
// (the run never starts); other paths say "Unrecognized node type".
const NOT_LOADED = /Unrecognized node type|Unrecognized credential type/i;
const NOT_STARTED = /No active execution found/;

/** `n8n execute --id` and the parsed run, or a failed check with the reason. */
async function execute(n8n, env, id) {
	const result = await timed(`execute ${id}`, () =>
		n8nCli(n8n, env, ['execute', `--id=${id}`, '--rawOutput']),
	);
	const all = `${result.stdout}\n${result.stderr}`;
	if (NOT_LOADED.test(all)) {
		loudFailure(
			`THE PACKAGE DID NOT LOAD in n8n: ${all.match(NOT_LOADED)[0]}\n` +
				`(workflow ${id}; expected ${SYSEVO} from ${env.N8N_USER_FOLDER}/.n8n/nodes/node_modules/n8n-nodes-sysevo)`,
		);
	}
	if (NOT_STARTED.test(all) && !fatal) {
		loudFailure(
			`n8n could not start workflow ${id} ("No active execution found"). This is how n8n 2.41 reports a ` +
				`node type it does not know: most likely THE PACKAGE DID NOT LOAD from ${env.N8N_USER_FOLDER}/.n8n/nodes/node_modules/n8n-nodes-sysevo`,
		);
	}
	const lines = result.stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	let runResult = null;
	if (start >= 0) {
		try {
			runResult = JSON.parse(lines.slice(start).join('\n'));
		} catch {
			runResult = null;
		}
	}
	check(`${id}: n8n execute succeeded`, () => {
		expect(
			result.code === 0 && runResult?.status === 'success' && runResult?.finished === true,
			`exit ${result.code}, status ${runResult?.status}, finished ${runResult?.finished}\n` +
				`--- stdout (tail) ---\n${result.stdout.slice(-2500)}\n--- stderr (tail) ---\n${result.stderr.slice(-2500)}`,
		);
		return `${(result.ms / 1000).toFixed(1)} s`;
	});
	return runResult?.data?.resultData?.runData ?? {};
}

/** The items a node sent to one output in its first run. */
function itemsOf(runData, node, output = 0) {
	const runs = runData[node];
	if (!runs) throw new Error(`node "${node}" is missing from the run (did the package load?)`);
	if (runs[0].error) throw new Error(`node "${node}" failed: ${runs[0].error.message}`);
	return (runs[0].data?.main?.[output] ?? []).map((item) => item.json);
}

function checkNodesRan(runData, id, names) {
	check(`${id}: every Sysevo node ran`, () => {
		const missing = names.filter((name) => !runData[name]);
		if (missing.length > 0) {
			loudFailure(
				`Sysevo nodes missing from the output of ${id}: ${missing.join(', ')}. Did the package load?`,
			);
		}
		expect(missing.length === 0, `missing: ${missing.join(', ')}`);
	});
}

function checkInitiated(item, { phone, draft, workflowId }) {
	eq(item.status, 'initiated', 'status');
	expect(
		Number.isInteger(item.workflow_run_id) && item.workflow_run_id > 0,
		`workflow_run_id ${item.workflow_run_id}`,
	);
	eq(item.phone_number, phone, 'phone_number');
	eq(item.draft, draft, 'draft');
	eq(item.workflow_id, workflowId, 'workflow_id');
	expect(
		String(item.workflow_run_name).startsWith(draft ? 'WR-TEST-' : 'WR-API-'),
		`workflow_run_name ${item.workflow_run_name}`,
	);
	return `run ${item.workflow_run_id} ${item.workflow_run_name}`;
}

function parseCsv(text) {
	const [header, ...rows] = text.trim().split(/\r?\n/);
	const split = (line) =>
		line
			.match(/("([^"]|"")*"|[^,]*)(,|$)/g)
			.slice(0, -1)
			.map((cell) => cell.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
	const keys = split(header);
	return rows.map((row) => Object.fromEntries(split(row).map((value, i) => [keys[i], value])));
}

/** `npm run build`, printing its output only when it fails (its spinner floods CI logs). */
function buildQuietly() {
	try {
		run('npm', ['run', 'build', '--silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
	} catch (error) {
		console.error(`${error.stdout ?? ''}${error.stderr ?? ''}`);
		throw new Error('npm run build failed');
	}
}

async function main() {
	const t0 = Date.now();
	stopChildrenOnSignals(async () => {
		if (process.env.SYSEVO_E2E_KEEP !== '1')
			for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
	});
	if (process.env.SYSEVO_E2E_SKIP_BUILD !== '1') await timed('npm run build', () => buildQuietly());
	const tarball = await timed('npm pack', () => packPackage());
	cleanup.push(path.dirname(tarball));
	const n8n = await timed('provision n8n', () => provisionN8n());

	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sysevo-e2e-'));
	cleanup.push(tmp);
	const userFolder = path.join(tmp, 'n8n');
	const filesDir = path.join(tmp, 'files');
	fs.mkdirSync(filesDir, { recursive: true });
	// SYSEVO_E2E_NO_PACKAGE=1 tests this test: without the package every check must fail loudly.
	const packageDir =
		process.env.SYSEVO_E2E_NO_PACKAGE === '1'
			? '(not installed)'
			: installTarball(userFolder, tarball);
	log(`n8n user folder ${userFolder}; package unpacked into ${packageDir}`);
	const exampleFiles = stageExampleFiles(filesDir);

	const sandbox = await timed('start sandbox', async () =>
		startSandbox({
			port: await freePort(),
			timeScale: 0.05,
			logFile: path.join(tmp, 'sandbox.log'),
		}),
	);
	log(`sandbox at ${sandbox.baseUrl}`);
	const env = n8nEnv({
		userFolder,
		filesDir,
		brokerPort: await freePort(),
		port: await freePort(),
	});

	const workflowDir = path.join(tmp, 'workflows');
	const staged = stageWorkflows(
		[
			...jsonFiles(path.join(ROOT, 'test/e2e/workflows')),
			...jsonFiles(path.join(ROOT, 'examples')),
		],
		workflowDir,
		filesDir,
	);
	const credentialFile = writeCredentialFile(tmp, sandbox.baseUrl);

	const imported = await timed('import:credentials', () =>
		n8nCli(n8n, env, ['import:credentials', `--input=${credentialFile}`]),
	);
	check('credential imports', () => {
		expect(
			imported.code === 0,
			`exit ${imported.code}\n${imported.stdout}${imported.stderr}`.slice(-2000),
		);
	});
	const importedWorkflows = await timed('import:workflow', () =>
		n8nCli(n8n, env, ['import:workflow', '--separate', `--input=${workflowDir}`]),
	);
	check(`all ${staged.length} workflows import (examples included)`, () => {
		expect(
			importedWorkflows.code === 0,
			`exit ${importedWorkflows.code}\n${importedWorkflows.stdout}${importedWorkflows.stderr}`.slice(
				-2000,
			),
		);
		return staged.map(({ workflow }) => workflow.id).join(', ');
	});

	// ---- Trigger Call by both identifiers, draft and published; Get Run chained after it
	{
		const id = 'sysevoE2eIdentifiers';
		const runData = await execute(n8n, env, id);
		checkNodesRan(runData, id, [
			'Published by Agent',
			'Get Run',
			'Published by Trigger UUID',
			'Draft by Agent ID',
			'Draft by Trigger UUID',
		]);
		if (fatal) return; // nothing else can pass without the package
		let published;
		check('Trigger Call: published, agent picked from the list (workflow UUID)', () => {
			const items = itemsOf(runData, 'Published by Agent');
			eq(items.length, 1, 'items');
			published = items[0];
			return checkInitiated(published, { phone: '+14155552601', draft: false, workflowId: 312 });
		});
		check('Get Run chained after Trigger Call (waits for the end, simplified)', () => {
			const [run] = itemsOf(runData, 'Get Run');
			eq(run.workflow_run_id, published?.workflow_run_id, 'workflow_run_id');
			eq(run.run_status, 'completed', 'run_status');
			eq(run.disposition, 'user_hangup', 'disposition');
			expect(typeof run.duration_seconds === 'number', `duration_seconds ${run.duration_seconds}`);
			return `${run.run_status}/${run.disposition}, ${run.duration_seconds} s`;
		});
		check('Trigger Call: published, by API Trigger UUID, national number + Default Country', () =>
			checkInitiated(itemsOf(runData, 'Published by Trigger UUID')[0], {
				phone: '+14155552602',
				draft: false,
				workflowId: 312,
			}),
		);
		check('Trigger Call: draft, by workflow UUID (agent never published)', () =>
			checkInitiated(itemsOf(runData, 'Draft by Agent ID')[0], {
				phone: '+14155552603',
				draft: true,
				workflowId: 314,
			}),
		);
		check('Trigger Call: draft, by API Trigger UUID', () =>
			checkInitiated(itemsOf(runData, 'Draft by Trigger UUID')[0], {
				phone: '+14155552604',
				draft: true,
				workflowId: 314,
			}),
		);
	}

	// ---- Continue On Fail: one output item per input item, errors as items
	{
		const id = 'sysevoE2eCof';
		const runData = await execute(n8n, env, id);
		checkNodesRan(runData, id, ['Trigger Call', 'Unpublished Agent']);
		check(
			'Continue On Fail: provider rejection (400), invalid number, success, in input order',
			() => {
				const items = itemsOf(runData, 'Trigger Call');
				eq(items.length, 3, 'items');
				expect(
					typeof items[0].error === 'string' && items[0].error.length > 0,
					`item 0 has no error: ${JSON.stringify(items[0])}`,
				);
				eq(String(items[0].http_code), '400', 'item 0 http_code');
				expect(
					typeof items[1].error === 'string' && items[1].error.length > 0,
					`item 1 has no error: ${JSON.stringify(items[1])}`,
				);
				expect(!items[1].workflow_run_id, 'item 1 must not have been dialled');
				checkInitiated(items[2], { phone: '+14155552605', draft: false, workflowId: 312 });
				const pairs = (runData['Trigger Call'][0].data.main[0] ?? []).map(
					(item) => item.pairedItem?.item ?? item.pairedItem,
				);
				eq(pairs, [0, 1, 2], 'pairedItem');
				return `"${items[0].error.slice(0, 60)}…" / "${items[1].error.slice(0, 50)}…"`;
			},
		);
		check('Continue On Fail: unpublished agent by trigger path gives a 404 error item', () => {
			const [item] = itemsOf(runData, 'Unpublished Agent');
			expect(typeof item.error === 'string', `no error: ${JSON.stringify(item)}`);
			eq(String(item.http_code), '404', 'http_code');
			return item.error.slice(0, 80);
		});
	}

	// ---- Wait for Call to End
	{
		const id = 'sysevoE2eWait';
		const runData = await execute(n8n, env, id);
		checkNodesRan(runData, id, ['Call and Wait']);
		check(
			'Wait for Call to End: answered, busy and voicemail calls come back ended, with transcripts',
			() => {
				const items = itemsOf(runData, 'Call and Wait');
				eq(items.length, 3, 'items');
				eq(
					items.map((item) => item.run_status),
					['completed', 'not_connected', 'completed'],
					'run_status',
				);
				eq(
					items.map((item) => item.disposition),
					['user_hangup', 'busy', 'voicemail_detected'],
					'disposition',
				);
				expect(
					typeof items[0].transcript === 'string' && items[0].transcript.length > 0,
					'answered call has no transcript',
				);
				expect(
					Array.isArray(items[0].transcript_turns) && items[0].transcript_turns.length > 0,
					'answered call has no transcript_turns',
				);
				expect(!items.some((item) => item.timed_out), 'a call timed out');
				return items.map((item) => `${item.run_status}/${item.disposition}`).join(', ');
			},
		);
	}

	// ---- Example (a): CSV rows -> Trigger Call (wait, simplify) -> CSV file
	{
		const id = 'sysevoExampleCsvCalls';
		const resultFile = path.join(exampleFiles, 'call-results.csv');
		const runData = await execute(n8n, env, id);
		checkNodesRan(runData, id, ['Call and Wait']);
		check(
			'example call-list-from-csv: one ended call per row, written back to call-results.csv',
			() => {
				expect(fs.existsSync(resultFile), `${resultFile} was not written`);
				const rows = parseCsv(fs.readFileSync(resultFile, 'utf8'));
				eq(rows.length, 4, 'rows');
				eq(
					rows.map((row) => row.name),
					['Jane Smith', 'Omar Haddad', 'Li Wei', 'Ana Costa'],
					'name column',
				);
				eq(
					rows.map((row) => row.run_status),
					['completed', 'not_connected', 'completed', 'not_connected'],
					'run_status column',
				);
				eq(
					rows.map((row) => row.disposition),
					['user_hangup', 'busy', 'voicemail_detected', 'no-answer'],
					'disposition column',
				);
				expect(
					rows.every((row) => /^\d+$/.test(row.workflow_run_id)),
					'workflow_run_id column',
				);
				expect(
					rows.every((row) => row.phone_number?.startsWith('+1212555')),
					'phone_number column (E.164)',
				);
				return `${rows.length} rows: ${rows.map((row) => row.disposition).join(', ')}`;
			},
		);
	}

	// ---- A running n8n: node types, the webhook example, the Sysevo Trigger in polling mode
	for (const id of ['sysevoExampleCrmHook', 'sysevoE2ePolling']) {
		const published = await timed(`publish:workflow ${id}`, () =>
			n8nCli(n8n, env, ['publish:workflow', `--id=${id}`]),
		);
		check(`${id}: publish:workflow`, () =>
			expect(published.code === 0, `${published.stdout}${published.stderr}`.slice(-2000)),
		);
	}
	const server = await timed('n8n start (until ready)', () =>
		startN8n(n8n, env, { logFile: path.join(tmp, 'n8n-start.log') }),
	);
	const cookie = await ownerSession(server.url, {
		email: 'e2e@example.com',
		password: 'E2eSandbox1',
		firstName: 'E2E',
		lastName: 'Owner',
	});

	const nodeTypes = await (
		await fetch(`${server.url}/types/nodes.json`, { headers: { cookie } })
	).json();
	const credentialTypes = await (
		await fetch(`${server.url}/types/credentials.json`, { headers: { cookie } })
	).json();
	const known = new Map();
	for (const type of nodeTypes) {
		const versions = Array.isArray(type.version) ? type.version : [type.version];
		known.set(type.name, new Set([...(known.get(type.name) ?? []), ...versions]));
	}
	check(
		'n8n loaded the package: sysevo, sysevoTool (AI tool variant), sysevoTrigger, sysevoApi credential',
		() => {
			const wanted = [SYSEVO, `${SYSEVO}Tool`, 'n8n-nodes-sysevo.sysevoTrigger'];
			const missing = wanted.filter((name) => !known.has(name));
			if (missing.length > 0)
				loudFailure(`n8n does not know ${missing.join(', ')}: the package did not load`);
			expect(
				missing.length === 0,
				`missing node types: ${missing.join(', ')}; sysevo-like: ${[...known.keys()].filter((n) => /sysevo/i.test(n)).join(', ')}`,
			);
			expect(
				credentialTypes.some((type) => type.name === 'sysevoApi'),
				'credential type sysevoApi missing',
			);
			return [...known.keys()].filter((name) => name.startsWith('n8n-nodes-sysevo.')).join(', ');
		},
	);
	for (const { file, workflow } of staged) {
		check(
			`${path.relative(ROOT, file)}: every node type and version is known to n8n ${process.env.N8N_VERSION ?? ''}`.trim(),
			() => {
				const problems = workflow.nodes
					.filter((node) => !known.get(node.type)?.has(node.typeVersion))
					.map(
						(node) =>
							`${node.name}: ${node.type}@${node.typeVersion} (${known.has(node.type) ? `has ${[...known.get(node.type)].join(', ')}` : 'unknown type'})`,
					);
				expect(problems.length === 0, problems.join('\n'));
				const credentials = workflow.nodes.flatMap((node) => Object.keys(node.credentials ?? {}));
				const unknown = credentials.filter(
					(name) => !credentialTypes.some((type) => type.name === name),
				);
				expect(unknown.length === 0, `unknown credential types: ${unknown.join(', ')}`);
				return `${workflow.nodes.length} nodes`;
			},
		);
	}
	const workflowsResponse = await fetch(`${server.url}/rest/workflows/sysevoExampleAiAgent`, {
		headers: { cookie },
	});
	check(
		'example ai-agent-tool: opens in the running n8n with the Sysevo tool attached to the agent',
		() => {
			expect(
				workflowsResponse.status === 200,
				`GET /rest/workflows/sysevoExampleAiAgent: ${workflowsResponse.status}`,
			);
			return 'GET /rest/workflows 200';
		},
	);
	const agentWorkflow = (await workflowsResponse.json().catch(() => ({}))).data;
	check('example ai-agent-tool: the tools are wired as ai_tool inputs of the AI Agent', () => {
		const tools = agentWorkflow.nodes
			.filter((node) => node.type === `${SYSEVO}Tool`)
			.map((node) => node.name);
		eq(tools.length, 2, 'Sysevo tool nodes');
		for (const tool of tools)
			eq(
				agentWorkflow.connections[tool]?.ai_tool?.[0]?.[0]?.node,
				'AI Agent',
				`${tool} → AI Agent`,
			);
	});

	// Example (b): a CRM posts to the webhook; the response carries the run id.
	const hook = async (body) => {
		const response = await fetch(`${server.url}/webhook/sysevo-crm-call`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		return { status: response.status, body: await response.text() };
	};
	const good = await timed('webhook: valid number', () =>
		hook({ phone: '(646) 555-0188', name: 'Jane CRM' }),
	);
	check(
		'example crm-webhook-call: webhook → Trigger Call → Respond to Webhook with the run id',
		() => {
			eq(good.status, 200, `HTTP status (${good.body})`);
			const body = JSON.parse(good.body);
			eq(body.ok, true, 'ok');
			expect(
				Number.isInteger(body.workflow_run_id) && body.workflow_run_id > 0,
				`workflow_run_id ${body.workflow_run_id}`,
			);
			eq(body.phone_number, '+16465550188', 'phone_number');
			return good.body;
		},
	);
	const bad = await timed('webhook: invalid number', () => hook({ phone: '555', name: 'Typo' }));
	check(
		'example crm-webhook-call: an invalid number is answered 422 with the error, nothing dialled',
		() => {
			eq(bad.status, 422, `HTTP status (${bad.body})`);
			const body = JSON.parse(bad.body);
			eq(body.ok, false, 'ok');
			expect(typeof body.error === 'string' && body.error.length > 0, 'error');
			return body.error.slice(0, 80);
		},
	);

	// Sysevo Trigger (polling): activation polls once; with "Start With Calls From the Last 24 h" that
	// emits the calls of agent 312 that have ended, as one execution.
	const pollExecution = await timed('Sysevo Trigger: wait for the polled execution', async () => {
		const deadline = Date.now() + 90_000;
		while (Date.now() < deadline) {
			const response = await fetch(
				`${server.url}/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: 'sysevoE2ePolling' }))}`,
				{ headers: { cookie } },
			);
			const list = (await response.json()).data?.results ?? [];
			const done = list.find(
				(execution) => execution.status === 'success' || execution.status === 'error',
			);
			if (done) {
				const detail = await (
					await fetch(`${server.url}/rest/executions/${done.id}`, { headers: { cookie } })
				).json();
				return detail.data;
			}
			await sleep(1000);
		}
		return null;
	});
	check('Sysevo Trigger (polling): activation emits the ended calls of the watched agent', () => {
		expect(pollExecution, 'no execution of sysevoE2ePolling within 90 s');
		eq(pollExecution.status, 'success', 'execution status');
		const requireFromN8n = createRequire(n8n.N8N_BIN);
		const { parse } = requireFromN8n('flatted');
		const data = parse(pollExecution.data);
		const items = data.resultData.runData['Sysevo Trigger'][0].data.main[0].map(
			(item) => item.json,
		);
		expect(items.length > 0, 'no items');
		expect(
			items.every(
				(item) =>
					item.workflow_id === 312 &&
					['completed', 'not_connected', 'failed'].includes(item.run_status),
			),
			JSON.stringify(items[0]),
		);
		const ids = items.map((item) => item.workflow_run_id);
		eq(new Set(ids).size, ids.length, 'each run once');
		expect(
			!items.some((item) => String(item.workflow_run_name).startsWith('WR-TEST-')),
			'draft runs must be left out by default',
		);
		return `${items.length} calls, e.g. ${items[0].workflow_run_id} ${items[0].run_status}/${items[0].disposition}`;
	});
	await timed('stop n8n', () => server.stop());

	// ---- Nobody was dialled twice
	const stats = await sandbox.stats();
	check('sandbox: every phone was dialled exactly once, invalid numbers never', () => {
		const expected = [
			'+14155552601',
			'+14155552602',
			'+14155552603',
			'+14155552604',
			'+14155550005',
			'+14155552605',
			'+14155552607',
			'+14155550001',
			'+14155550003',
			'+12125550101',
			'+12125550001',
			'+12125550003',
			'+12125550002',
			'+16465550188',
		];
		const twice = Object.entries(stats.triggerRequests).filter(([, count]) => count !== 1);
		expect(twice.length === 0, `trigger requests != 1: ${JSON.stringify(twice)}`);
		const dialledTwice = Object.entries(stats.dials).filter(([, count]) => count !== 1);
		expect(dialledTwice.length === 0, `dials != 1: ${JSON.stringify(dialledTwice)}`);
		const missing = expected.filter((phone) => !(phone in stats.triggerRequests));
		expect(missing.length === 0, `never requested: ${missing.join(', ')}`);
		const stray = Object.keys(stats.triggerRequests).filter(
			(phone) => !expected.includes(phone) && phone !== '+14155552606',
		);
		expect(stray.length === 0, `unexpected numbers reached Sysevo: ${stray.join(', ')}`);
		return `${Object.keys(stats.triggerRequests).length} numbers, ${Object.keys(stats.dials).length} dialled`;
	});

	log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

let crashed = null;
try {
	await main();
} catch (error) {
	crashed = error;
	console.error(error?.stack ?? error);
} finally {
	await stopAll();
	for (const dir of cleanup) {
		if (process.env.SYSEVO_E2E_KEEP === '1') log(`kept ${dir}`);
		else fs.rmSync(dir, { recursive: true, force: true });
	}
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed + (crashed || fatal ? 1 : 0);
if (fatal) console.error('e2e: the package did not load into n8n (see above)');
console.log('\ntimings:');
for (const [label, seconds] of timings) console.log(`  ${seconds.padStart(6)} s  ${label}`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
