// The conformance matrix: every operation × each On Error setting × Route by Outcome and Simplify
// where they apply, in a real n8n. Cells are generated, not written by hand: each is one Sysevo
// node fed good rows and a bad one (and, for Trigger Call, a row Skip If Called Within skips), and
// the check asserts every output's items, their pairing to input rows, that no row is lost or
// doubled, and that no number is dialled twice.
//
// n8n's rules the expectations follow (n8n-core `WorkflowExecute`): with "Continue (using error
// output)" an item with `error` moves to the Error output appended after the node's own outputs,
// its JSON reduced to the message and merged with its input row by pairing
// (`handleNodeErrorOutput`, `normalizeNodeErrors`); "Stop Workflow" fails the execution.

const AGENT_UUID = '0b6f9c1e-7a2d-4f0e-9a55-1c2b3d4e5f60'; // SEED.agents.renewal in sandbox/data.ts
const AGENT_ID = '312';
const CREDENTIALS = { sysevoApi: { id: 'sysevoSandbox01', name: 'Sysevo sandbox' } };
const SEEDED = { answered: 48190, busy: 48191, voicemail: 48193 }; // SEED.runs
const MISSING_RUN = 99999999;
/** Called by the seeded run list within the last day: Skip If Called Within skips it. */
const CALLED_RECENTLY = '+14155552671';
const ROUTED = ['completed', 'voicemail', 'not_connected', 'failed', 'in_progress', 'not_called'];

export const ON_ERROR = ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'];

/** A fresh number per cell and outcome (the sandbox picks the outcome by the last four digits). */
const fresh = (cell, suffix) => `+1415${200 + cell}${suffix}`;

/** What each operation is fed and what each row should come out as. */
const OPERATIONS = [
	{
		key: 'trigger',
		label: 'Trigger Call',
		rows: (cell) => [
			{ json: { phone: fresh(cell, '2671') }, expect: 'placed' },
			{ json: { phone: '12' }, expect: 'error' },
			{ json: { phone: CALLED_RECENTLY }, expect: 'not_called' },
		],
		parameters: () => triggerParameters(false),
	},
	{
		key: 'triggerWait',
		label: 'Trigger Call, waiting',
		routes: true,
		simplifies: true,
		rows: (cell) => [
			{ json: { phone: fresh(cell, '2671') }, expect: 'completed' },
			{ json: { phone: fresh(cell, '0003') }, expect: 'voicemail' },
			{ json: { phone: fresh(cell, '0001') }, expect: 'not_connected' },
			{ json: { phone: '12' }, expect: 'error' },
			{ json: { phone: CALLED_RECENTLY }, expect: 'not_called' },
		],
		parameters: () => triggerParameters(true),
	},
	{
		key: 'getRun',
		label: 'Get Run',
		routes: true,
		simplifies: true,
		rows: () => [
			{ json: { runId: SEEDED.answered }, expect: 'completed' },
			{ json: { runId: SEEDED.busy }, expect: 'not_connected' },
			{ json: { runId: SEEDED.voicemail }, expect: 'voicemail' },
			{ json: { runId: MISSING_RUN }, expect: 'error' },
		],
		parameters: () => ({
			resource: 'call',
			operation: 'getRun',
			runId: '={{ $json.runId }}',
			options: {},
		}),
	},
	{
		key: 'getMany',
		label: 'Get Many Runs',
		routes: true,
		simplifies: true,
		rows: () => [
			{ json: { phone: CALLED_RECENTLY }, expect: 'runs' },
			{ json: { phone: 'call me' }, expect: 'error' },
		],
		parameters: () => ({
			resource: 'call',
			operation: 'getMany',
			workflowId: { __rl: true, mode: 'id', value: AGENT_ID },
			returnAll: false,
			limit: 3,
			filters: { phoneNumber: '={{ $json.phone }}' },
			options: { fetchFullRuns: false },
		}),
	},
	{
		key: 'validate',
		label: 'Validate Number',
		rows: () => [
			{ json: { phone: '+14155552671' }, expect: 'valid' },
			// An invalid number is a result of Validate Number, never an error.
			{ json: { phone: '12' }, expect: 'invalid' },
		],
		parameters: () => ({
			resource: 'number',
			operation: 'validate',
			phoneNumber: '={{ $json.phone }}',
			options: {},
		}),
	},
	{
		key: 'download',
		label: 'Download Recording',
		simplifies: true,
		rows: () => [
			{ json: { runId: SEEDED.answered }, expect: 'recording' },
			{ json: { runId: MISSING_RUN }, expect: 'error' },
		],
		parameters: () => ({
			resource: 'call',
			operation: 'getRun',
			runId: '={{ $json.runId }}',
			options: { downloadRecording: true },
		}),
	},
];

function triggerParameters(waiting) {
	return {
		resource: 'call',
		operation: 'trigger',
		agentIdType: 'workflowUuid',
		agent: { __rl: true, mode: 'id', value: AGENT_UUID },
		phoneNumber: '={{ $json.phone }}',
		contextInput: 'keyValue',
		initialContext: { values: [{ key: 'matrix_cell', value: '={{ $json.cell }}' }] },
		waitForCompletion: waiting,
		options: {
			skipIfCalledWithinHours: 24,
			...(waiting ? { pollIntervalSeconds: 0.5, maxWaitSeconds: 60 } : {}),
		},
	};
}

/** Every cell of the matrix, each with a stable name and index. */
export function matrixCells() {
	const cells = [];
	for (const operation of OPERATIONS)
		for (const onError of ON_ERROR)
			for (const routeByOutcome of operation.routes ? [false, true] : [false])
				for (const simplify of operation.simplifies ? [false, true] : [false]) {
					const index = cells.length;
					const flags = [
						onError,
						...(operation.routes ? [routeByOutcome ? 'routed' : 'one output'] : []),
						...(operation.simplifies ? [simplify ? 'simplified' : 'full'] : []),
					];
					cells.push({
						index,
						operation,
						onError,
						routeByOutcome,
						simplify,
						node: `Cell ${index}`,
						name: `${operation.label} × ${flags.join(' × ')}`,
						rows: operation.rows(index).map((row) => ({
							...row,
							json: { ...row.json, cell: index },
						})),
					});
				}
	return cells;
}

function cellNode(cell, position) {
	const parameters = cell.operation.parameters();
	parameters.options = {
		...parameters.options,
		...(cell.routeByOutcome ? { routeByOutcome: true } : {}),
		...(cell.simplify ? { simplify: true } : {}),
	};
	return {
		id: `c0000000-0000-4000-8000-${String(100000 + cell.index).padStart(12, '0')}`,
		name: cell.node,
		type: 'n8n-nodes-sysevo.sysevo',
		typeVersion: 1,
		position,
		onError: cell.onError,
		parameters,
		credentials: cell.operation.key === 'validate' ? undefined : CREDENTIALS,
	};
}

/**
 * The workflows that hold the cells: one for every cell that continues on errors (they all run
 * in one execution), and one per Stop Workflow cell (its failure ends the execution).
 */
export function matrixWorkflows(cells) {
	const continuing = cells.filter((cell) => cell.onError !== 'stopWorkflow');
	const stopping = cells.filter((cell) => cell.onError === 'stopWorkflow');
	return [
		workflowOf('sysevoE2eMatrix', 'e2e: conformance matrix (continue)', continuing),
		...stopping.map((cell) =>
			workflowOf(`sysevoE2eMatrix${cell.index}`, `e2e: conformance matrix, ${cell.name}`, [cell]),
		),
	];
}

function workflowOf(id, name, cells) {
	const nodes = [
		{
			id: 'c0000000-0000-4000-8000-000000000001',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
	];
	const connections = { Start: { main: [[]] } };
	for (const [k, cell] of cells.entries()) {
		// A Set node's JSON split into one item per row (no Code node: 2.x runs those in a task runner).
		const listNode = `List ${cell.index}`;
		const rowsNode = `Rows ${cell.index}`;
		nodes.push(
			{
				id: `c0000000-0000-4000-8000-${String(200000 + cell.index).padStart(12, '0')}`,
				name: listNode,
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, k * 160],
				parameters: {
					mode: 'raw',
					jsonOutput: JSON.stringify({ rows: cell.rows.map((row) => row.json) }),
					options: {},
				},
			},
			{
				id: `c0000000-0000-4000-8000-${String(300000 + cell.index).padStart(12, '0')}`,
				name: rowsNode,
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [440, k * 160],
				parameters: { fieldToSplitOut: 'rows', options: {} },
			},
		);
		nodes.push(cellNode(cell, [660, k * 160]));
		connections.Start.main[0].push({ node: listNode, type: 'main', index: 0 });
		connections[listNode] = { main: [[{ node: rowsNode, type: 'main', index: 0 }]] };
		connections[rowsNode] = { main: [[{ node: cell.node, type: 'main', index: 0 }]] };
	}
	return { id, name, active: false, settings: { executionOrder: 'v1' }, nodes, connections };
}

function fail(message) {
	throw new Error(message);
}

const pairedOf = (item) =>
	Array.isArray(item.pairedItem) ? item.pairedItem[0]?.item : item.pairedItem?.item;

/** Which output a row of this expectation leaves on, among the node's own outputs. */
function ownOutputOf(cell, expect) {
	if (!cell.routeByOutcome) return 0;
	const status = expect === 'error' ? 'failed' : expect;
	const index = ROUTED.indexOf(status);
	if (index < 0) fail(`no routed output for ${expect}`);
	return index;
}

/**
 * Asserts one cell of a run: `taskData` is the node's first run, `runError` the execution's error.
 * Returns a short summary; throws what differs.
 */
export function checkCell(cell, taskData, runError) {
	const badRow = cell.rows.findIndex((row) => row.expect === 'error');
	if (cell.onError === 'stopWorkflow' && badRow >= 0) {
		if (!runError) fail('the execution should have failed at the bad row');
		const message = String(runError.message ?? '');
		if (!taskData?.error) fail(`the node did not fail; execution error: ${message}`);
		const itemIndex = taskData.error.context?.itemIndex ?? runError.context?.itemIndex;
		if (itemIndex !== undefined && itemIndex !== badRow)
			fail(`the error names item ${itemIndex}, not the bad row ${badRow}`);
		return `stopped: ${message.slice(0, 60)}`;
	}
	if (!taskData) fail('the node did not run');
	if (taskData.error) fail(`the node failed: ${taskData.error.message}`);
	const outputs = (taskData.data?.main ?? []).map((items) => items ?? []);
	const own = cell.routeByOutcome ? ROUTED.length : 1;
	const errorOutput = cell.onError === 'continueErrorOutput' ? own : undefined;
	const expectedOutputs = own + (errorOutput === undefined ? 0 : 1);
	if (outputs.length !== expectedOutputs)
		fail(`${outputs.length} outputs, expected ${expectedOutputs}`);

	const seen = new Map();
	for (const [output, items] of outputs.entries()) {
		for (const item of items) {
			const row = pairedOf(item);
			if (typeof row !== 'number' || !cell.rows[row])
				fail(`output ${output} has an item paired to ${JSON.stringify(item.pairedItem)}`);
			seen.set(row, [...(seen.get(row) ?? []), { output, item }]);
		}
	}
	for (const [index, row] of cell.rows.entries()) {
		const placed = seen.get(index) ?? [];
		if (placed.length === 0) fail(`row ${index} (${row.expect}) is lost`);
		if (row.expect !== 'runs' && placed.length > 1)
			fail(`row ${index} (${row.expect}) came out ${placed.length} times`);
		for (const { output, item } of placed) checkRow(cell, row, output, item, errorOutput);
	}
	return `${cell.rows.length} rows on ${outputs.map((items) => items.length).join('/')}`;
}

function checkRow(cell, row, output, item, errorOutput) {
	const json = item.json ?? {};
	const where = `row ${pairedOf(item)} (${row.expect})`;
	if (row.expect === 'error') {
		const expected = errorOutput ?? ownOutputOf(cell, 'error');
		if (output !== expected) fail(`${where} is on output ${output}, expected ${expected}`);
		if (typeof json.error !== 'string' || json.error === '') fail(`${where} has no error text`);
		// On the Error output n8n merges the input row in; otherwise the row names its input itself.
		for (const [key, value] of Object.entries(row.json)) {
			if (errorOutput !== undefined && json[key] !== value)
				fail(`${where} lacks its input field ${key} on the Error output`);
		}
		return;
	}
	if (output === errorOutput) fail(`${where} is on the Error output`);
	if (typeof json.error === 'string' && json.error !== '') fail(`${where} carries an error`);
	if (row.expect === 'runs') {
		const expected = ownOutputOf(cell, json.run_status);
		if (output !== expected) fail(`${where}: a ${json.run_status} run on output ${output}`);
		return;
	}
	if (row.expect === 'placed') {
		if (typeof json.workflow_run_id !== 'number') fail(`${where} has no workflow_run_id`);
		return;
	}
	if (row.expect === 'valid' || row.expect === 'invalid') {
		if (json.valid !== (row.expect === 'valid')) fail(`${where}: valid is ${json.valid}`);
		return;
	}
	if (row.expect === 'recording') {
		if (!item.binary?.recording) fail(`${where} has no recording`);
		if (json.run_status !== 'completed') fail(`${where}: run_status ${json.run_status}`);
		return;
	}
	if (json.run_status !== row.expect) fail(`${where}: run_status ${json.run_status}`);
	const expected = ownOutputOf(cell, row.expect);
	if (output !== expected) fail(`${where} is on output ${output}, expected ${expected}`);
	if (row.expect === 'not_called') {
		if (json.not_called_reason !== 'called_within')
			fail(`${where}: not_called_reason ${json.not_called_reason}`);
		if (typeof json.next_call_at !== 'string') fail(`${where}: no next_call_at`);
	}
	if (cell.simplify && !('not_called_reason' in json) && cell.operation.key === 'triggerWait')
		fail(`${where}: a simplified row lacks the not_called_reason column`);
}

/** The numbers the matrix's Trigger Call cells may dial. */
export function matrixNumbers(cells) {
	return cells.flatMap((cell) =>
		cell.operation.key.startsWith('trigger')
			? cell.rows.filter((row) => row.expect !== 'error').map((row) => row.json.phone)
			: [],
	);
}

/**
 * No number is dialled twice by the matrix, and the skipped number not at all. `runs` are the
 * sandbox's runs (GET /__sandbox/runs).
 */
export function checkDials(runs) {
	const byPhone = new Map();
	for (const run of runs) {
		const context = run.initial_context ?? {};
		if (context.matrix_cell === undefined) continue;
		const phone = context.called_number ?? context.phone_number;
		byPhone.set(phone, (byPhone.get(phone) ?? 0) + 1);
	}
	if (byPhone.size === 0) fail('the matrix dialled nobody');
	const twice = [...byPhone].filter(([, count]) => count > 1);
	if (twice.length > 0) fail(`dialled more than once: ${twice.map(([phone]) => phone).join(', ')}`);
	if (byPhone.has(CALLED_RECENTLY)) fail(`${CALLED_RECENTLY} was skipped and still dialled`);
	return `${byPhone.size} numbers, each dialled once`;
}
