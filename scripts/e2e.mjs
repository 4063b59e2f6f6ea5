#!/usr/bin/env node
// End-to-end test in a real, pinned n8n (scripts/provision-n8n.sh): builds and packs this package,
// installs the tarball as a community package into a fresh n8n user folder, starts the Sysevo
// sandbox as its own process, imports a credential plus test/e2e/workflows/*.json and
// examples/*.json, runs the runnable ones with `n8n execute --id`, then starts `n8n start` once to
// check what only a running instance can: the CRM webhook example over HTTP, the Sysevo Trigger in
// polling mode and in webhook mode (platform-rendered results posted with the secret of a Sysevo
// Webhook API credential, repeats, refusals), and that every node type used by every workflow (the
// AI tool variant included) is known to n8n. With n8n stopped it exports the webhook workflow and
// looks for the secret there and in the logs. Ends with `e2e: N passed, M failed`; exits 1 on any
// failure.
//
// Usage: npm run test:e2e [-- --n8n <version>]
//   --n8n 2.41.1 (default, the 2.x pin), --n8n 1.123.81 (the 1.x LTS pin); `2.x` and `1.x` name
//   the pins. The same checks run on both lines: only the harness adapts to the CLI
//   (n8nLine in scripts/lib/harness.mjs), never the node.
//
// Environment: SYSEVO_E2E_SKIP_BUILD=1 skips `npm run build` (dist/ must be current);
// SYSEVO_E2E_KEEP=1 keeps the temp folder (n8n user folder, logs) for inspection;
// SYSEVO_E2E_NO_PACKAGE=1 leaves the package out, to see the test fail loudly.
//
// Adding a check: put it in one of the tables below (EXECUTED, ACTIVATED + LIVE, FINAL). A check
// asserts behaviour through `ctx` only and works on every line; if one genuinely cannot apply to a
// line, give it `skip: { 1: 'why' }` (keyed by major version) and say so in the README's
// "Compatibility" section.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { tsImport } from 'tsx/esm/api';

import { AGENT_ENTRY, runAgentSuite } from './e2e/agent.mjs';
import {
	ROOT,
	freePort,
	installTarball,
	jsonFiles,
	listExecutions,
	log,
	n8nCli,
	n8nEnv,
	n8nLine,
	ownerSession,
	packPackage,
	provisionN8n,
	readExecution,
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
import {
	checkCell,
	checkDials,
	matrixCells,
	matrixNumbers,
	matrixWorkflows,
} from './e2e/matrix.mjs';

const SYSEVO = 'n8n-nodes-sysevo.sysevo';

// The Sysevo Webhook API credential of the webhook-mode trigger, with a secret made for this run
// so that the export and leak checks look for a value that exists nowhere else.
const WEBHOOK_SECRET = crypto.randomBytes(24).toString('hex');
const WEBHOOK_CREDENTIAL = {
	id: 'sysevoWebhook01',
	name: 'Sysevo webhook',
	type: 'sysevoWebhookApi',
	data: { headerName: 'X-Sysevo-Secret', secret: WEBHOOK_SECRET },
};
/** The secret as it could leak: as is, and base64 of its text and of its bytes. */
const WEBHOOK_SECRET_FORMS = [
	WEBHOOK_SECRET,
	Buffer.from(WEBHOOK_SECRET, 'utf8').toString('base64'),
	Buffer.from(WEBHOOK_SECRET, 'hex').toString('base64'),
];
const WEBHOOK_WORKFLOW = 'sysevoE2eWebhook';

// ---------------------------------------------------------------------------------------------
// Assertions
// ---------------------------------------------------------------------------------------------

function expect(condition, message) {
	if (!condition) throw new Error(message);
}

function eq(actual, expected, label) {
	expect(
		JSON.stringify(actual) === JSON.stringify(expected),
		`${label}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
	);
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

function isErrorItem(item, index) {
	expect(
		typeof item.error === 'string' && item.error.length > 0,
		`item ${index} has no error: ${JSON.stringify(item)}`,
	);
}

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and line breaks; a BOM may lead. */
function parseCsv(csv) {
	const text = csv.replace(/^\uFEFF/, '');
	const records = [];
	let record = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (quoted) {
			if (char === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (char === '"') quoted = false;
			else cell += char;
		} else if (char === '"') quoted = true;
		else if (char === ',') {
			record.push(cell);
			cell = '';
		} else if (char === '\n' || char === '\r') {
			if (char === '\r' && text[i + 1] === '\n') i++;
			record.push(cell);
			records.push(record);
			record = [];
			cell = '';
		} else cell += char;
	}
	if (cell !== '' || record.length > 0) records.push([...record, cell]);
	const [keys, ...rows] = records.filter((row) => row.some((value) => value !== ''));
	return rows.map((row) => Object.fromEntries(row.map((value, i) => [keys[i], value])));
}

// ---------------------------------------------------------------------------------------------
// EXECUTED: workflows run once each with `n8n execute --id`, in this order. Each entry names the
// Sysevo nodes that must appear in the run, the numbers it sends to Sysevo (FINAL checks that each
// was requested exactly once), and checks on the run: `check(ctx)` where ctx.items(node, output)
// gives the json of the items a node sent to an output in its first run (ctx.entry is the entry,
// ctx.runResult the whole run). Optional: `status` the run ends with (default "success"; "waiting"
// for a run parked in a Wait node), `stage(workflow, entry)` to adjust the staged copy before it
// is imported.
// ---------------------------------------------------------------------------------------------

const EXECUTED = [
	{
		id: 'sysevoE2eIdentifiers', // Trigger Call on all four routes; Get Run chained
		sysevoNodes: [
			'Published by Agent',
			'Get Run',
			'Published by Trigger UUID',
			'Draft by Agent ID',
			'Draft by Trigger UUID',
		],
		dials: ['+14155552601', '+14155552602', '+14155552603', '+14155552604'],
		checks: [
			{
				name: 'Trigger Call: published, agent picked from the list (workflow UUID)',
				check: (ctx) => {
					const items = ctx.items('Published by Agent');
					eq(items.length, 1, 'items');
					return checkInitiated(items[0], { phone: '+14155552601', draft: false, workflowId: 312 });
				},
			},
			{
				name: 'Get Run chained after Trigger Call (waits for the end, simplified)',
				check: (ctx) => {
					const [run] = ctx.items('Get Run');
					eq(
						run.workflow_run_id,
						ctx.items('Published by Agent')[0]?.workflow_run_id,
						'workflow_run_id',
					);
					eq(run.run_status, 'completed', 'run_status');
					eq(run.disposition, 'user_hangup', 'disposition');
					expect(
						typeof run.duration_seconds === 'number',
						`duration_seconds ${run.duration_seconds}`,
					);
					return `${run.run_status}/${run.disposition}, ${run.duration_seconds} s`;
				},
			},
			{
				name: 'Trigger Call: published, by API Trigger UUID, national number + Default Country',
				check: (ctx) =>
					checkInitiated(ctx.items('Published by Trigger UUID')[0], {
						phone: '+14155552602',
						draft: false,
						workflowId: 312,
					}),
			},
			{
				name: 'Trigger Call: draft, by workflow UUID (agent never published)',
				check: (ctx) =>
					checkInitiated(ctx.items('Draft by Agent ID')[0], {
						phone: '+14155552603',
						draft: true,
						workflowId: 314,
					}),
			},
			{
				name: 'Trigger Call: draft, by API Trigger UUID',
				check: (ctx) =>
					checkInitiated(ctx.items('Draft by Trigger UUID')[0], {
						phone: '+14155552604',
						draft: true,
						workflowId: 314,
					}),
			},
		],
	},
	{
		id: 'sysevoE2eCof', // Continue On Fail: one output item per input item, errors as items
		sysevoNodes: ['Trigger Call', 'Unpublished Agent'],
		dials: ['+14155550005', '+14155552605'],
		// the unpublished agent's trigger path answers 404: requested, never dialled
		mayRequest: ['+14155552606'],
		checks: [
			{
				name: 'Continue On Fail: provider rejection (400), invalid number, success, in input order',
				check: (ctx) => {
					const items = ctx.items('Trigger Call');
					eq(items.length, 3, 'items');
					isErrorItem(items[0], 0);
					eq(String(items[0].http_code), '400', 'item 0 http_code');
					isErrorItem(items[1], 1);
					expect(!items[1].workflow_run_id, 'item 1 must not have been dialled');
					checkInitiated(items[2], { phone: '+14155552605', draft: false, workflowId: 312 });
					const pairs = (ctx.runData['Trigger Call'][0].data.main[0] ?? []).map(
						(item) => item.pairedItem?.item ?? item.pairedItem,
					);
					eq(pairs, [0, 1, 2], 'pairedItem');
					return `"${items[0].error.slice(0, 60)}…" / "${items[1].error.slice(0, 50)}…"`;
				},
			},
			{
				name: 'Continue On Fail: unpublished agent by trigger path gives a 404 error item',
				check: (ctx) => {
					const [item] = ctx.items('Unpublished Agent');
					expect(typeof item.error === 'string', `no error: ${JSON.stringify(item)}`);
					eq(String(item.http_code), '404', 'http_code');
					return item.error.slice(0, 80);
				},
			},
		],
	},
	{
		id: 'sysevoE2eRetry', // Retry On Fail (3 tries) + Continue On Fail, invalid first row
		sysevoNodes: ['Trigger Call'],
		dials: ['+14155552608', '+14155552609'],
		checks: [
			{
				name: 'Retry On Fail: n8n retries the node, the valid rows keep their one call',
				check: (ctx) => {
					const items = ctx.items('Trigger Call');
					eq(items.length, 3, 'items');
					isErrorItem(items[0], 0);
					checkInitiated(items[1], { phone: '+14155552608', draft: false, workflowId: 312 });
					checkInitiated(items[2], { phone: '+14155552609', draft: false, workflowId: 312 });
					const pairs = (ctx.runData['Trigger Call'][0].data.main[0] ?? []).map(
						(item) => item.pairedItem?.item ?? item.pairedItem,
					);
					eq(pairs, [0, 1, 2], 'pairedItem');
					const hints = (ctx.runData['Trigger Call'][0].hints ?? []).map((hint) => hint.message);
					const ledger = hints.find((message) => message.startsWith('Retry On Fail: 2 item(s)'));
					expect(ledger, `no ledger hint: ${JSON.stringify(hints)}`);
					return ledger.slice(0, 90);
				},
			},
		],
	},
	{
		id: 'sysevoE2eWait', // Wait for Call to End
		sysevoNodes: ['Call and Wait'],
		dials: ['+14155552607', '+14155550001', '+14155550003'],
		checks: [
			{
				name: 'Wait for Call to End: answered, busy and voicemail calls come back ended, with transcripts',
				check: (ctx) => {
					const items = ctx.items('Call and Wait');
					eq(items.length, 3, 'items');
					eq(
						items.map((item) => item.run_status),
						['completed', 'not_connected', 'voicemail'],
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
			},
		],
	},
	{
		id: 'sysevoExampleCsvCalls', // example (a): CSV rows -> Trigger Call (wait, simplify) -> CSV file
		sysevoNodes: ['Call and Wait'],
		dials: ['+12125550101', '+12125550001', '+12125550003', '+12125550002'],
		checks: [
			{
				name: 'example call-list-from-csv: one ended call per row, written back to call-results.csv',
				check: (ctx) => {
					const resultFile = path.join(ctx.exampleFiles, 'call-results.csv');
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
						['completed', 'not_connected', 'voicemail', 'not_connected'],
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
			},
		],
	},
	{
		// example: Calling Hours → Not Called → Wait until next_call_at → back to the call. The staged
		// copy's custom window is set around the current hour of one of its two numbers (New York,
		// Sydney; 14 to 16 hours apart), every day, so that number is dialled and the other waits.
		id: 'sysevoExampleHours',
		sysevoNodes: ['Call Within Hours'],
		status: 'waiting',
		stage: (workflow, entry) => {
			const call = workflow.nodes.find((node) => node.name === 'Call Within Hours');
			const customers = JSON.parse(
				workflow.nodes.find((node) => node.name === 'Customers').parameters.jsonOutput,
			).data;
			const zones = { '+12125552671': 'America/New_York', '+61291234567': 'Australia/Sydney' };
			const hourIn = (zone) =>
				Number(
					new Intl.DateTimeFormat('en-US', {
						timeZone: zone,
						hour: 'numeric',
						hourCycle: 'h23',
					}).format(new Date()),
				);
			const inside = customers.find(
				({ phone }) => hourIn(zones[phone]) >= 1 && hourIn(zones[phone]) <= 21,
			);
			const outside = customers.find((customer) => customer !== inside);
			const hour = hourIn(zones[inside.phone]);
			const hh = (value) => `${String(value).padStart(2, '0')}:00`;
			Object.assign(call.parameters.options, {
				callingHoursFrom: hh(hour - 1),
				callingHoursTo: hh(hour + 2),
				callingDays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
			});
			entry.dials = [inside.phone];
			entry.expected = { inside, outside, zone: zones[outside.phone], from: hour - 1 };
		},
		checks: [
			{
				name: 'example call-within-calling-hours: the number inside its hours is called, the other is not dialled and waits until its window opens',
				check: (ctx) => {
					const { inside, outside, zone, from } = ctx.entry.expected;
					const called = ctx.items('Call Within Hours', 0);
					const notCalled = ctx.items('Call Within Hours', 5);
					eq(
						called.map((item) => item.phone_number),
						[inside.phone],
						'dialled (Completed output)',
					);
					eq(notCalled.length, 1, 'rows on Not Called');
					const [row] = notCalled;
					eq(
						[row.phone_number, row.run_status, row.not_called_reason, row.context_customer_name],
						[outside.phone, 'not_called', 'outside_calling_hours', outside.name],
						'the not-called row',
					);
					eq(row.recipient_time_zones, [zone], 'recipient_time_zones');
					// next_call_at is the next full minute at which the outside number's clock reads From.
					const opening = new Date(row.next_call_at);
					const local = new Intl.DateTimeFormat('en-GB', {
						timeZone: zone,
						hour: '2-digit',
						minute: '2-digit',
						hourCycle: 'h23',
					});
					eq(
						local.format(opening),
						`${String(from).padStart(2, '0')}:00`,
						'local time at next_call_at',
					);
					const waitingUntil = new Date(ctx.runResult.waitTill).toISOString();
					eq(waitingUntil, opening.toISOString(), 'the execution waits until next_call_at');
					expect(!ctx.runData['Back to Customer'], 'the execution went on past the Wait node');
					return `${inside.name} called; ${outside.name} waits until ${row.next_call_at}`;
				},
			},
		],
	},
];

// ---------------------------------------------------------------------------------------------
// ACTIVATED: workflows made active (2.x: published) before `n8n start`.
// LIVE: checks against the running n8n, in this order. ctx.server.url, ctx.cookie (owner session),
// ctx.nodeTypes (name -> Set of versions) and ctx.credentialTypes are ready. `dials` as above.
// An entry with `forEach(ctx)` expands into one check per element (`name(el)`, `check(ctx, el)`).
// ---------------------------------------------------------------------------------------------

// A workflow whose trigger keeps state in static data (the polling cursor, the webhook's received
// deliveries) needs an id of at most 16 characters: n8n 1.x saves static data only for such ids
// (isWorkflowIdValid in its CLI), like the ids it generates itself.
const ACTIVATED = ['sysevoExampleCrmHook', 'sysevoE2ePolling', WEBHOOK_WORKFLOW];

/** Example (b): a CRM posts to the webhook; the response carries the run id. */
async function crmHook(ctx, body) {
	const response = await fetch(`${ctx.server.url}/webhook/sysevo-crm-call`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: response.status, body: await response.text() };
}

/** Finished executions of a workflow, oldest first, once there are at least `count`; else null. */
async function waitForExecutions(ctx, workflowId, count, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const list = await listExecutions(ctx.server.url, ctx.cookie, workflowId);
		const done = list.filter(
			(execution) => execution.status === 'success' || execution.status === 'error',
		);
		if (done.length >= count) return done.reverse();
		await sleep(1000);
	}
	return null;
}

/** The first finished execution of a workflow with its run data parsed, or null. */
async function waitForExecution(ctx, workflowId, timeoutMs) {
	const [first] = (await waitForExecutions(ctx, workflowId, 1, timeoutMs)) ?? [];
	return first ? await readExecution(ctx.server.url, ctx.cookie, first.id, ctx.n8n.N8N_BIN) : null;
}

/** The json of the items a node sent to its first output in an execution's first run of it. */
function executionItems(execution, node) {
	const runs = execution.data.resultData.runData[node];
	expect(runs, `node "${node}" is missing from execution ${execution.id}`);
	return (runs[0].data?.main?.[0] ?? []).map((item) => item.json);
}

/** Sysevo posts a call result to the Sysevo Trigger's production URL (webhook mode). */
async function deliver(ctx, body, headers) {
	const node = ctx.staged
		.find(({ workflow }) => workflow.id === WEBHOOK_WORKFLOW)
		.workflow.nodes.find((candidate) => candidate.type === 'n8n-nodes-sysevo.sysevoTrigger');
	const response = await fetch(`${ctx.server.url}/webhook/${node.webhookId}/sysevo`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
	});
	const text = await response.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch {
		/* not JSON; the checks report the text */
	}
	return { status: response.status, text, json };
}

/** The headers of one delivery attempt of a build that sends them (test/trigger/platformDeliveries.ts). */
function deliveryHeaders(runId, deliveryId, attempt, secret = WEBHOOK_SECRET) {
	return {
		'X-Sysevo-Secret': secret,
		'X-Dograh-Delivery-Id': deliveryId,
		'X-Dograh-Workflow-Run-Id': String(runId),
		'X-Dograh-Delivery-Attempt': String(attempt),
	};
}

const CONNECTED_DELIVERY = crypto.randomUUID();

/** The fields of `expected` that `actual` does not have deeply equal, with both values. */
function differences(actual, expected) {
	return Object.keys(expected)
		.filter((key) => !isDeepStrictEqual(actual?.[key], expected[key]))
		.map(
			(key) =>
				`${key}: expected ${JSON.stringify(expected[key])}, got ${JSON.stringify(actual?.[key])}`,
		);
}

function noSecretIn(text, where) {
	const found = WEBHOOK_SECRET_FORMS.filter((form) => text.includes(form));
	expect(found.length === 0, `${where} contains the webhook secret (${found.length} form(s))`);
}

const LIVE = [
	{
		name: 'n8n loaded the package: sysevo, sysevoTool (AI tool variant), sysevoTrigger, both credentials',
		check: (ctx) => {
			const wanted = [SYSEVO, `${SYSEVO}Tool`, 'n8n-nodes-sysevo.sysevoTrigger'];
			const missing = wanted.filter((name) => !ctx.nodeTypes.has(name));
			if (missing.length > 0)
				loudFailure(`n8n does not know ${missing.join(', ')}: the package did not load`);
			expect(
				missing.length === 0,
				`missing node types: ${missing.join(', ')}; sysevo-like: ${[...ctx.nodeTypes.keys()].filter((n) => /sysevo/i.test(n)).join(', ')}`,
			);
			for (const credential of ['sysevoApi', 'sysevoWebhookApi'])
				expect(
					ctx.credentialTypes.some((type) => type.name === credential),
					`credential type ${credential} missing`,
				);
			return [...ctx.nodeTypes.keys()]
				.filter((name) => name.startsWith('n8n-nodes-sysevo.'))
				.join(', ');
		},
	},
	{
		forEach: (ctx) => ctx.staged,
		name: ({ file }) => `${path.relative(ROOT, file)}: every node type and version is known to n8n`,
		check: (ctx, { workflow }) => {
			const problems = workflow.nodes
				.filter((node) => !ctx.nodeTypes.get(node.type)?.has(node.typeVersion))
				.map(
					(node) =>
						`${node.name}: ${node.type}@${node.typeVersion} (${ctx.nodeTypes.has(node.type) ? `has ${[...ctx.nodeTypes.get(node.type)].join(', ')}` : 'unknown type'})`,
				);
			expect(problems.length === 0, problems.join('\n'));
			const credentials = workflow.nodes.flatMap((node) => Object.keys(node.credentials ?? {}));
			const unknown = credentials.filter(
				(name) => !ctx.credentialTypes.some((type) => type.name === name),
			);
			expect(unknown.length === 0, `unknown credential types: ${unknown.join(', ')}`);
			return `${workflow.nodes.length} nodes`;
		},
	},
	{
		name: 'example redial-not-connected: five outcome outputs, Voicemail and Not Connected loop back to the call',
		check: (ctx) => {
			const { workflow } = ctx.staged.find(({ file }) =>
				file.endsWith('redial-not-connected.json'),
			);
			const call = workflow.nodes.find((node) => node.type === 'n8n-nodes-sysevo.sysevo');
			expect(
				call?.parameters?.options?.routeByOutcome === true,
				'the call does not route by outcome',
			);
			const outputs = workflow.connections[call.name]?.main ?? [];
			eq(
				outputs.length,
				5,
				'outputs wired (Completed, Voicemail, Not Connected, Failed, Still Running)',
			);
			const targets = outputs.map((links) => (links ?? []).map((link) => link.node));
			eq(targets[1], targets[2], 'Voicemail and Not Connected go to the same retry branch');
			const reachesCall = (start, seen = new Set()) => {
				if (start === call.name) return true;
				if (seen.has(start)) return false;
				seen.add(start);
				return (workflow.connections[start]?.main ?? [])
					.flat()
					.some((link) => link && reachesCall(link.node, seen));
			};
			expect(
				targets[2].some((node) => reachesCall(node)),
				'the retry branch never leads back to the call',
			);
			return `${call.name} → ${targets.map((names) => names.join('+') || '–').join(' | ')}`;
		},
	},
	{
		name: 'example ai-agent-tool: opens in the running n8n with the Sysevo tool attached to the agent',
		check: async (ctx) => {
			const response = await fetch(`${ctx.server.url}/rest/workflows/sysevoExampleAiAgent`, {
				headers: { cookie: ctx.cookie },
			});
			expect(
				response.status === 200,
				`GET /rest/workflows/sysevoExampleAiAgent: ${response.status}`,
			);
			ctx.agentWorkflow = (await response.json()).data;
			return 'GET /rest/workflows 200';
		},
	},
	{
		name: 'example ai-agent-tool: the tools are wired as ai_tool inputs of the AI Agent',
		check: (ctx) => {
			const workflow = ctx.agentWorkflow;
			expect(workflow, 'the workflow could not be read (see the check before)');
			const tools = workflow.nodes
				.filter((node) => node.type === `${SYSEVO}Tool`)
				.map((node) => node.name);
			eq(tools.length, 2, 'Sysevo tool nodes');
			for (const tool of tools)
				eq(workflow.connections[tool]?.ai_tool?.[0]?.[0]?.node, 'AI Agent', `${tool} → AI Agent`);
		},
	},
	{
		name: 'example crm-webhook-call: webhook → Trigger Call → Respond to Webhook with the run id',
		dials: ['+16465550188'],
		check: async (ctx) => {
			const good = await timed('webhook: valid number', () =>
				crmHook(ctx, { phone: '(646) 555-0188', name: 'Jane CRM' }),
			);
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
	},
	{
		name: 'example crm-webhook-call: an invalid number is answered 422 with the error, nothing dialled',
		check: async (ctx) => {
			const bad = await timed('webhook: invalid number', () =>
				crmHook(ctx, { phone: '555', name: 'Typo' }),
			);
			eq(bad.status, 422, `HTTP status (${bad.body})`);
			const body = JSON.parse(bad.body);
			eq(body.ok, false, 'ok');
			expect(typeof body.error === 'string' && body.error.length > 0, 'error');
			return body.error.slice(0, 80);
		},
	},
	{
		// Activation polls once; with "Start With Calls From the Last 24 h" that emits the calls of
		// agent 312 that have ended, as one execution.
		name: 'Sysevo Trigger (polling): activation emits the ended calls of the watched agent',
		check: async (ctx) => {
			const execution = await timed('Sysevo Trigger: wait for the polled execution', () =>
				waitForExecution(ctx, 'sysevoE2ePolling', 90_000),
			);
			expect(execution, 'no execution of sysevoE2ePolling within 90 s');
			eq(execution.status, 'success', 'execution status');
			const items = executionItems(execution, 'Sysevo Trigger');
			expect(items.length > 0, 'no items');
			const unexpected = items.find(
				(item) =>
					item.workflow_id !== 312 ||
					!['completed', 'voicemail', 'not_connected', 'failed'].includes(item.run_status),
			);
			expect(!unexpected, JSON.stringify(unexpected));
			const ids = items.map((item) => item.workflow_run_id);
			eq(new Set(ids).size, ids.length, 'each run once');
			expect(
				!items.some((item) => String(item.workflow_run_name).startsWith('WR-TEST-')),
				'draft runs must be left out by default',
			);
			return `${items.length} calls, e.g. ${items[0].workflow_run_id} ${items[0].run_status}/${items[0].disposition}`;
		},
	},
	// Webhook mode, with the request bodies exactly as Sysevo renders them (test/trigger/fixtures/,
	// described in test/trigger/platformDeliveries.ts): raw newlines inside the context's JSON text.
	{
		name: 'Sysevo Trigger (webhook): a platform-rendered result (1.45, delivery headers) gets 200 and starts one execution',
		check: async (ctx) => {
			const answer = await timed('webhook: rendered connected call', () =>
				deliver(ctx, ctx.deliveries.CONNECTED_BODY, deliveryHeaders(48213, CONNECTED_DELIVERY, 1)),
			);
			eq(answer.status, 200, `HTTP status (${answer.text})`);
			const executions = await waitForExecutions(ctx, WEBHOOK_WORKFLOW, 1, 60_000);
			expect(executions, `no execution of ${WEBHOOK_WORKFLOW} within 60 s`);
			eq(executions.length, 1, 'executions');
			ctx.connectedExecution = await readExecution(
				ctx.server.url,
				ctx.cookie,
				executions[0].id,
				ctx.n8n.N8N_BIN,
			);
			eq(ctx.connectedExecution.status, 'success', 'execution status');
			return `execution ${executions[0].id}`;
		},
	},
	{
		name: 'Sysevo Trigger (webhook): the execution has the original values, multi-line text and backslashes intact',
		check: (ctx) => {
			expect(ctx.connectedExecution, 'no execution (see the check before)');
			const items = executionItems(ctx.connectedExecution, 'Sysevo Trigger');
			eq(items.length, 1, 'items');
			const [item] = items;
			const run = ctx.deliveries.CONNECTED_RUN;
			const problems = [
				...differences(item, run),
				...differences(item, {
					run_status: 'completed',
					disposition: 'user_hangup',
					duration_seconds: 93.7,
					extracted_summary: run.gathered_context.extracted_variables.summary,
					extracted_share: run.gathered_context.extracted_variables.share,
				}),
			];
			if ('payload_warnings' in item)
				problems.push(`payload_warnings: ${JSON.stringify(item.payload_warnings)}`);
			expect(problems.length === 0, problems.join('\n'));
			noSecretIn(JSON.stringify(ctx.connectedExecution), 'the execution');
			return `notes ${JSON.stringify(item.initial_context.notes)}, QA comment ${JSON.stringify(item.annotations.qa_7.node_results.n1.comment)}`;
		},
	},
	{
		name: 'Sysevo Trigger (webhook): the same delivery retried (attempt 2) gets 200 and is ignored',
		check: async (ctx) => {
			const answer = await deliver(
				ctx,
				ctx.deliveries.CONNECTED_BODY,
				deliveryHeaders(48213, CONNECTED_DELIVERY, 2),
			);
			eq(answer.status, 200, `HTTP status (${answer.text})`);
			expect(typeof answer.json?.ignored === 'string', `not ignored: ${answer.text}`);
			return answer.json.ignored;
		},
	},
	{
		name: 'Sysevo Trigger (webhook): a 1.37 result (no delivery headers) starts one more execution, posted again none',
		check: async (ctx) => {
			const auth = { 'X-Sysevo-Secret': WEBHOOK_SECRET };
			const first = await deliver(ctx, ctx.deliveries.BUSY_137_BODY, auth);
			eq(first.status, 200, `HTTP status (${first.text})`);
			const executions = await waitForExecutions(ctx, WEBHOOK_WORKFLOW, 2, 60_000);
			expect(executions, `no second execution of ${WEBHOOK_WORKFLOW} within 60 s`);
			const latest = await readExecution(
				ctx.server.url,
				ctx.cookie,
				executions.at(-1).id,
				ctx.n8n.N8N_BIN,
			);
			const items = executionItems(latest, 'Sysevo Trigger');
			eq(
				items.map((item) => [item.id, item.campaign_id, item.run_status, item.disposition]),
				[[48214, 7, 'not_connected', 'busy']],
				'emitted run',
			);
			const again = await deliver(ctx, ctx.deliveries.BUSY_137_BODY, auth);
			eq(again.status, 200, `HTTP status of the repeat (${again.text})`);
			expect(typeof again.json?.ignored === 'string', `repeat not ignored: ${again.text}`);
			return again.json.ignored;
		},
	},
	{
		name: 'Sysevo Trigger (webhook): a missing secret gets 401',
		check: async (ctx) => {
			const { 'X-Sysevo-Secret': _omitted, ...headers } = deliveryHeaders(
				48215,
				crypto.randomUUID(),
				1,
			);
			const answer = await deliver(ctx, ctx.deliveries.MANGLED_BODY, headers);
			eq(answer.status, 401, `HTTP status (${answer.text})`);
			return answer.text;
		},
	},
	{
		name: 'Sysevo Trigger (webhook): a wrong secret gets 401',
		check: async (ctx) => {
			const wrong = crypto.randomBytes(24).toString('hex');
			const answer = await deliver(
				ctx,
				ctx.deliveries.MANGLED_BODY,
				deliveryHeaders(48215, crypto.randomUUID(), 1, wrong),
			);
			eq(answer.status, 401, `HTTP status (${answer.text})`);
			noSecretIn(answer.text, 'the 401 answer');
			return answer.text;
		},
	},
	{
		name: 'Sysevo Trigger (webhook): one execution per run delivered; repeats and refused requests started none',
		check: async (ctx) => {
			// Time for an execution that a repeat or a refused request might have started to show up.
			await sleep(3000);
			const executions = await listExecutions(ctx.server.url, ctx.cookie, WEBHOOK_WORKFLOW);
			const runs = [];
			for (const { id } of executions.reverse()) {
				const execution = await readExecution(ctx.server.url, ctx.cookie, id, ctx.n8n.N8N_BIN);
				runs.push(...executionItems(execution, 'Sysevo Trigger').map((item) => item.id));
			}
			eq(runs, [48213, 48214], 'runs emitted, one execution each');
			eq(executions.length, 2, 'executions');
			return `${executions.length} executions`;
		},
	},
];

// ---------------------------------------------------------------------------------------------
// FINAL: with n8n stopped, what it stored and logged (ctx.tmp holds the logs; the CLI runs with
// ctx.n8n and ctx.env) and what the sandbox saw over the whole run (ctx.stats = /__sandbox/stats).
// ---------------------------------------------------------------------------------------------

const FINAL = [
	{
		name: 'export:workflow of the webhook-mode trigger contains neither the secret nor its base64 form',
		check: async (ctx) => {
			const file = path.join(ctx.tmp, 'export', `${WEBHOOK_WORKFLOW}.json`);
			fs.mkdirSync(path.dirname(file), { recursive: true });
			const args = ctx.line.exportArgs(WEBHOOK_WORKFLOW, file);
			const result = await timed('export:workflow', () => n8nCli(ctx.n8n, ctx.env, args));
			const output = `${result.stdout}${result.stderr}`;
			expect(
				result.code === 0 && fs.existsSync(file),
				`${args.join(' ')}: exit ${result.code}, ${fs.existsSync(file) ? '' : 'no file, '}\n${output.slice(-2000)}`,
			);
			const text = fs.readFileSync(file, 'utf8');
			ctx.exported = JSON.parse(text);
			noSecretIn(text, 'the exported workflow');
			noSecretIn(output, 'the output of export:workflow');
			return `${text.length} characters`;
		},
	},
	{
		name: 'the exported trigger refers to the Sysevo Webhook API credential and has no secret parameter',
		check: (ctx) => {
			expect(ctx.exported, 'nothing was exported (see the check before)');
			const workflow = ctx.exported.find((candidate) => candidate.id === WEBHOOK_WORKFLOW);
			expect(workflow, `${WEBHOOK_WORKFLOW} is not in the export`);
			const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-sysevo.sysevoTrigger');
			expect(trigger, 'no Sysevo Trigger in the exported workflow');
			eq(trigger.parameters.mode, 'webhook', 'mode');
			expect(
				!('secret' in trigger.parameters),
				`parameters have a secret key: ${Object.keys(trigger.parameters).join(', ')}`,
			);
			eq(
				trigger.credentials?.sysevoWebhookApi?.id,
				WEBHOOK_CREDENTIAL.id,
				'credentials.sysevoWebhookApi.id',
			);
			return `parameters: ${Object.keys(trigger.parameters).join(', ')}`;
		},
	},
	{
		name: "the webhook secret is in neither n8n's log nor the sandbox's",
		check: (ctx) => {
			const logs = ['n8n-start.log', 'sandbox.log'].map((name) => path.join(ctx.tmp, name));
			for (const file of logs)
				if (fs.existsSync(file)) noSecretIn(fs.readFileSync(file, 'utf8'), path.basename(file));
			const sizes = logs.map((file) => (fs.existsSync(file) ? fs.statSync(file).size : 0));
			expect(sizes[0] > 0, "n8n's log is empty: nothing was scanned");
			return `${sizes[0]} + ${sizes[1]} bytes scanned`;
		},
	},
	{
		name: 'sandbox: every phone was dialled exactly once, invalid numbers never',
		check: (ctx) => {
			const { stats } = ctx;
			const entries = [...EXECUTED, ...LIVE, AGENT_ENTRY];
			const expected = entries.flatMap((entry) => entry.dials ?? []);
			const allowed = new Set([
				...expected,
				...entries.flatMap((entry) => entry.mayRequest ?? []),
				// The matrix checks its own numbers (scripts/e2e/matrix.mjs checkDials).
				...matrixNumbers(ctx.matrix.cells),
			]);
			const twice = Object.entries(stats.triggerRequests).filter(([, count]) => count !== 1);
			expect(twice.length === 0, `trigger requests != 1: ${JSON.stringify(twice)}`);
			const dialledTwice = Object.entries(stats.dials).filter(([, count]) => count !== 1);
			expect(dialledTwice.length === 0, `dials != 1: ${JSON.stringify(dialledTwice)}`);
			const missing = expected.filter((phone) => !(phone in stats.triggerRequests));
			expect(missing.length === 0, `never requested: ${missing.join(', ')}`);
			const stray = Object.keys(stats.triggerRequests).filter((phone) => !allowed.has(phone));
			expect(stray.length === 0, `unexpected numbers reached Sysevo: ${stray.join(', ')}`);
			return `${Object.keys(stats.triggerRequests).length} numbers, ${Object.keys(stats.dials).length} dialled`;
		},
	},
];

// ---------------------------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------------------------

const results = [];
const skipped = [];
const timings = [];
let fatal = false;
const cleanup = []; // temp folders, removed at the end unless SYSEVO_E2E_KEEP=1

async function check(name, fn) {
	try {
		const detail = await fn();
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

/** Runs one table entry (with forEach expanded), honouring `skip` for the current line. */
async function runEntry(ctx, entry, ...args) {
	if (entry.forEach) {
		for (const element of entry.forEach(ctx))
			await runEntry(ctx, { ...entry, forEach: undefined, name: entry.name(element) }, element);
		return;
	}
	const reason = entry.skip?.[ctx.line.major];
	if (reason) {
		skipped.push({ name: entry.name, reason });
		console.log(`  SKIP  ${entry.name} (n8n ${ctx.line.major}.x: ${reason})`);
		return;
	}
	await check(entry.name, () => entry.check(ctx, ...args));
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

/**
 * The run `n8n execute --rawOutput` printed: after a few log lines, the JSON from the first `{`
 * line. A failed run is printed pretty (`JSON.stringify(data, null, 2)`) and followed by the error,
 * so the JSON ends at the first top-level `}` line that parses.
 */
function runOf(stdout) {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	if (start < 0) return null;
	const ends = [
		lines.length,
		...lines.flatMap((line, k) => (k > start && line === '}' ? [k + 1] : [])),
	];
	for (const end of ends) {
		try {
			return JSON.parse(lines.slice(start, end).join('\n'));
		} catch {
			// not the end of the run's JSON yet
		}
	}
	return null;
}

/** `n8n execute --id` and the parsed run (null when n8n printed none). */
async function executeRaw(ctx, id) {
	const { n8n, env } = ctx;
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
	return { result, runResult: runOf(result.stdout) };
}

/**
 * `n8n execute --id` and the parsed run, or a failed check with the reason. A run that ends in a
 * Wait node parked in the database has status "waiting" and is not finished.
 */
async function execute(ctx, id, status = 'success') {
	const { result, runResult } = await executeRaw(ctx, id);
	await check(`${id}: n8n execute succeeded`, () => {
		expect(
			result.code === 0 &&
				runResult?.status === status &&
				Boolean(runResult?.finished) === (status === 'success'),
			`exit ${result.code}, status ${runResult?.status}, finished ${runResult?.finished}\n` +
				`--- stdout (tail) ---\n${result.stdout.slice(-2500)}\n--- stderr (tail) ---\n${result.stderr.slice(-2500)}`,
		);
		return `${(result.ms / 1000).toFixed(1)} s`;
	});
	return runResult;
}

/**
 * The conformance matrix (scripts/e2e/matrix.mjs): runs its workflows and checks every cell, then
 * that no number was dialled twice. Counted on its own line, `matrix: N passed, M failed`.
 */
async function runMatrix(ctx) {
	const before = results.length;
	for (const workflow of ctx.matrix.workflows) {
		const { result, runResult } = await executeRaw(ctx, workflow.id);
		const resultData = runResult?.data?.resultData;
		const cells = ctx.matrix.cells.filter((cell) =>
			workflow.nodes.some((node) => node.name === cell.node),
		);
		for (const cell of cells) {
			await check(`matrix: ${cell.name}`, () => {
				if (!resultData)
					throw new Error(`n8n printed no run (exit ${result.code}): ${result.stderr.slice(-800)}`);
				return checkCell(cell, resultData.runData?.[cell.node]?.[0], resultData.error);
			});
		}
	}
	await check('matrix: no number dialled twice, the skipped number never', async () =>
		checkDials(await (await fetch(`${ctx.sandbox.origin}/__sandbox/runs`)).json()),
	);
	const own = results.slice(before);
	ctx.matrixLine = `matrix: ${own.filter((r) => r.ok).length} passed, ${own.filter((r) => !r.ok).length} failed`;
	console.log(ctx.matrixLine);
}

/** The items a node sent to one output in its first run. */
function itemsOf(runData, node, output = 0) {
	const runs = runData[node];
	if (!runs) throw new Error(`node "${node}" is missing from the run (did the package load?)`);
	if (runs[0].error) throw new Error(`node "${node}" failed: ${runs[0].error.message}`);
	return (runs[0].data?.main?.[output] ?? []).map((item) => item.json);
}

async function checkNodesRan(runData, id, names) {
	await check(`${id}: every Sysevo node ran`, () => {
		const missing = names.filter((name) => !runData[name]);
		if (missing.length > 0) {
			loudFailure(
				`Sysevo nodes missing from the output of ${id}: ${missing.join(', ')}. Did the package load?`,
			);
		}
		expect(missing.length === 0, `missing: ${missing.join(', ')}`);
	});
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

function parseArgs(argv) {
	const options = { n8n: undefined };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--n8n') options.n8n = argv[++i];
		else if (arg.startsWith('--n8n=')) options.n8n = arg.slice('--n8n='.length);
		else throw new Error(`unknown argument ${arg}; usage: npm run test:e2e [-- --n8n <version>]`);
		if (!options.n8n) throw new Error('--n8n needs a version, e.g. --n8n 1.123.81');
	}
	return options;
}

async function main(ctx) {
	const t0 = Date.now();
	stopChildrenOnSignals(async () => {
		if (process.env.SYSEVO_E2E_KEEP !== '1')
			for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
	});
	const options = parseArgs(process.argv.slice(2));
	if (process.env.SYSEVO_E2E_SKIP_BUILD !== '1') await timed('npm run build', () => buildQuietly());
	const tarball = await timed('npm pack', () => packPackage());
	cleanup.push(path.dirname(tarball));
	const n8n = await timed('provision n8n', () => provisionN8n(options.n8n));
	ctx.n8n = n8n;
	ctx.line = n8nLine(n8n.N8N_VERSION);
	ctx.nodeVersion = execFileSync(n8n.NODE24, ['--version'], { encoding: 'utf8' }).trim();
	log(`n8n ${n8n.N8N_VERSION} (${ctx.line.major}.x line) on Node ${ctx.nodeVersion}`);

	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sysevo-e2e-'));
	cleanup.push(tmp);
	ctx.tmp = tmp;
	const userFolder = path.join(tmp, 'n8n');
	const filesDir = path.join(tmp, 'files');
	fs.mkdirSync(filesDir, { recursive: true });
	// SYSEVO_E2E_NO_PACKAGE=1 tests this test: without the package every check must fail loudly.
	const packageDir =
		process.env.SYSEVO_E2E_NO_PACKAGE === '1'
			? '(not installed)'
			: installTarball(userFolder, tarball);
	log(`n8n user folder ${userFolder}; package unpacked into ${packageDir}`);
	ctx.exampleFiles = stageExampleFiles(filesDir);

	ctx.sandbox = await timed('start sandbox', async () =>
		startSandbox({
			port: await freePort(),
			timeScale: 0.05,
			logFile: path.join(tmp, 'sandbox.log'),
		}),
	);
	log(`sandbox at ${ctx.sandbox.baseUrl}`);
	const env = n8nEnv({
		userFolder,
		filesDir,
		brokerPort: await freePort(),
		port: await freePort(),
	});
	ctx.env = env;

	const matrixCellsList = matrixCells();
	ctx.matrix = { cells: matrixCellsList, workflows: matrixWorkflows(matrixCellsList) };
	const matrixDir = path.join(tmp, 'matrix');
	fs.mkdirSync(matrixDir, { recursive: true });
	for (const workflow of ctx.matrix.workflows)
		fs.writeFileSync(path.join(matrixDir, `${workflow.id}.json`), JSON.stringify(workflow));

	const workflowDir = path.join(tmp, 'workflows');
	ctx.staged = stageWorkflows(
		[
			...jsonFiles(path.join(ROOT, 'test/e2e/workflows')),
			...jsonFiles(path.join(ROOT, 'examples')),
			...jsonFiles(matrixDir),
		],
		workflowDir,
		filesDir,
	);
	for (const entry of EXECUTED.filter((candidate) => candidate.stage)) {
		const { workflow } = ctx.staged.find((staged) => staged.workflow.id === entry.id);
		entry.stage(workflow, entry);
		fs.writeFileSync(path.join(workflowDir, `${entry.id}.json`), JSON.stringify(workflow, null, 2));
	}
	const credentialFile = writeCredentialFile(tmp, ctx.sandbox.baseUrl, [WEBHOOK_CREDENTIAL]);
	ctx.deliveries = await tsImport(
		path.join(ROOT, 'test/trigger/platformDeliveries.ts'),
		import.meta.url,
	);

	const imported = await timed('import:credentials', () =>
		n8nCli(n8n, env, ['import:credentials', `--input=${credentialFile}`]),
	);
	await check('credentials import (Sysevo API, Sysevo Webhook API)', () => {
		expect(
			imported.code === 0,
			`exit ${imported.code}\n${imported.stdout}${imported.stderr}`.slice(-2000),
		);
	});
	const importedWorkflows = await timed('import:workflow', () =>
		n8nCli(n8n, env, ['import:workflow', '--separate', `--input=${workflowDir}`]),
	);
	await check(`all ${ctx.staged.length} workflows import (examples included)`, () => {
		expect(
			importedWorkflows.code === 0,
			`exit ${importedWorkflows.code}\n${importedWorkflows.stdout}${importedWorkflows.stderr}`.slice(
				-2000,
			),
		);
		return ctx.staged.map(({ workflow }) => workflow.id).join(', ');
	});

	// ---- EXECUTED
	for (const entry of EXECUTED) {
		const runResult = await execute(ctx, entry.id, entry.status);
		const runData = runResult?.data?.resultData?.runData ?? {};
		await checkNodesRan(runData, entry.id, entry.sysevoNodes);
		if (fatal) return; // nothing else can pass without the package
		const runCtx = {
			...ctx,
			entry,
			runResult,
			runData,
			items: (node, output) => itemsOf(runData, node, output),
		};
		for (const item of entry.checks) await runEntry(runCtx, item);
	}
	await timed('conformance matrix', () => runMatrix(ctx));

	// ---- an AI Agent calling the Sysevo tool (scripts/e2e/agent.mjs)
	await runAgentSuite(ctx, { check, execute, results });

	// ---- ACTIVATED, then LIVE against `n8n start`
	for (const id of ACTIVATED) {
		const args = ctx.line.activateArgs(id);
		const activated = await timed(`${args[0]} ${id}`, () => n8nCli(n8n, env, args));
		await check(`${id}: activated before n8n starts`, () => {
			const output = `${activated.stdout}${activated.stderr}`;
			// 1.x update:workflow logs its errors and still exits 0
			expect(
				activated.code === 0 && !/\berror\b/i.test(output),
				`exit ${activated.code}\n${output.slice(-2000)}`,
			);
			return args[0];
		});
	}
	ctx.server = await timed('n8n start (until ready)', () =>
		startN8n(n8n, env, { logFile: path.join(tmp, 'n8n-start.log') }),
	);
	ctx.cookie = await ownerSession(ctx.server.url, {
		email: 'e2e@example.com',
		password: 'E2eSandbox1',
		firstName: 'E2E',
		lastName: 'Owner',
	});
	const headers = { cookie: ctx.cookie };
	const nodeTypes = await (await fetch(`${ctx.server.url}/types/nodes.json`, { headers })).json();
	ctx.credentialTypes = await (
		await fetch(`${ctx.server.url}/types/credentials.json`, { headers })
	).json();
	ctx.nodeTypes = new Map();
	for (const type of nodeTypes) {
		const versions = Array.isArray(type.version) ? type.version : [type.version];
		ctx.nodeTypes.set(type.name, new Set([...(ctx.nodeTypes.get(type.name) ?? []), ...versions]));
	}
	for (const entry of LIVE) await runEntry(ctx, entry);
	await timed('stop n8n', () => ctx.server.stop());

	// ---- FINAL
	ctx.stats = await ctx.sandbox.stats();
	for (const entry of FINAL) await runEntry(ctx, entry);

	log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const ctx = {};
let crashed = null;
try {
	await main(ctx);
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
if (ctx.n8n) console.log(`\nn8n ${ctx.n8n.N8N_VERSION} on Node ${ctx.nodeVersion}`);
for (const { name, reason } of skipped) console.log(`skipped on this line: ${name} (${reason})`);
if (ctx.matrixLine) console.log(ctx.matrixLine);
console.log(
	`e2e: ${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`,
);
process.exit(failed > 0 ? 1 : 0);
