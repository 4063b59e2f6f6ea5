import { sleep } from 'n8n-workflow';

import { OUTCOMES } from '../../sandbox';
import { runNode } from '../helpers/engine';
import { assertNoLeaks, leakDir, makeArtifactDir, removeDir, scanForLeaks } from '../helpers/leaks';
import { credentialsFor, SEED, useSandbox } from '../helpers/sandbox';
import { byTriggerPath, triggerParameters } from '../node/params';

const sandbox = useSandbox();
const KEYS = [SEED.apiKey, SEED.otherOrgApiKey, SEED.archivedApiKey];

function line(artifact: object): string {
	return `${JSON.stringify(artifact)}\n`;
}

function marker(label: string): string {
	return `leak-probe-${label}-${Math.random().toString(36).slice(2)}${Date.now()}`;
}

describe('the key-leak scanner', () => {
	const dirs: string[] = [];
	afterAll(() => dirs.forEach(removeDir));
	function dir(files: Record<string, string>): string {
		const made = makeArtifactDir(files);
		dirs.push(made);
		return made;
	}

	it('passes a clean run and counts its artifacts by kind', () => {
		const result = scanForLeaks(
			dir({
				'run-1.jsonl':
					line({ kind: 'output', value: { json: { status: 'initiated' } } }) +
					line({ kind: 'error', value: { message: 'x' } }),
				'run-2.jsonl': line({ kind: 'hint', value: { message: 'h' } }),
				'log-1.jsonl': line({ kind: 'log', value: 'hello' }),
			}),
			KEYS,
		);
		expect(result).toMatchObject({
			artifacts: 4,
			counts: { output: 1, error: 1, hint: 1, log: 1 },
			leaks: [],
		});
		expect(() => assertNoLeaks(result, ['output', 'error', 'hint', 'log'])).not.toThrow();
	});

	it.each([
		['an output item', 'run-9.jsonl', { kind: 'output', value: { json: { echoed: SEED.apiKey } } }],
		[
			'an error description',
			'run-9.jsonl',
			{ kind: 'error', value: { message: 'x', description: `key ${SEED.otherOrgApiKey}` } },
		],
		[
			'a hint',
			'run-9.jsonl',
			{ kind: 'hint', value: { message: `X-API-Key: ${SEED.archivedApiKey}` } },
		],
		[
			'a log line',
			'log-9.jsonl',
			{ kind: 'log', value: `headers: {"x-api-key":"${SEED.apiKey}"}` },
		],
		[
			'a log line, base64-encoded',
			'log-9.jsonl',
			{ kind: 'log', value: Buffer.from(SEED.apiKey).toString('base64') },
		],
		[
			'a log line, without its prefix',
			'log-9.jsonl',
			{ kind: 'log', value: SEED.apiKey.slice('sk-sandbox-'.length) },
		],
	])('finds a key planted in %s and fails', (_where, file, artifact) => {
		const result = scanForLeaks(
			dir({ 'run-1.jsonl': line({ kind: 'output', value: { json: {} } }), [file]: line(artifact) }),
			KEYS,
		);
		expect(result.leaks).toHaveLength(1);
		expect(result.leaks[0]).toMatchObject({ file, kind: artifact.kind });
		expect(() => assertNoLeaks(result)).toThrow(/^key leaks: 1 in 2 artifacts/);
	});

	it('fails when it scanned nothing, and when a kind of artifact is missing', () => {
		expect(() => assertNoLeaks(scanForLeaks(dir({}), KEYS))).toThrow(
			'key leak check scanned nothing',
		);
		const onlyLogs = scanForLeaks(dir({ 'log-1.jsonl': line({ kind: 'log', value: 'x' }) }), KEYS);
		expect(() => assertNoLeaks(onlyLogs, ['output', 'log'])).toThrow(
			'key leak check saw no output artifacts',
		);
	});
});

describe('the recording this run is scanned from', () => {
	/** The kinds of artifact of this run that contain `text`. */
	function found(text: string) {
		const dir = leakDir();
		if (!dir)
			throw new Error('SYSEVO_LEAK_DIR is not set: jest.config.js must run test/leakSetup.js');
		return scanForLeaks(dir, [text]).leaks.map((leak) => leak.kind);
	}

	it('holds every output item, error and log line of a node run', async () => {
		const inOutput = marker('output');
		const inError = marker('error');
		const inLog = marker('log');
		await runNode({
			parameters: byTriggerPath('={{ $json.trigger }}'),
			items: [{ phone: '+14155552671', name: 'x', trigger: `${inOutput}/x` }],
			credentials: credentialsFor(sandbox.current),
			continueOnFail: true,
		});
		const failed = await runNode({
			parameters: byTriggerPath('={{ $json.trigger }}'),
			items: [{ phone: '+14155552671', name: 'x', trigger: `${inError}/x` }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(failed.error?.message).toContain(inError);
		// eslint-disable-next-line no-console -- proves console lines reach the leak check
		console.log(`probe ${inLog}`);
		expect(found(inOutput)).toContain('output');
		expect(found(inError)).toContain('error');
		expect(found(inLog)).toContain('log');
	});

	it('holds execution hints, and no key is in them', async () => {
		const { run } = await runNode({
			parameters: triggerParameters({
				waitForCompletion: true,
				options: { pollIntervalSeconds: 0.05, maxWaitSeconds: 0.3 },
			}),
			items: [{ phone: OUTCOMES.neverCompletes.examplePhone, name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
		});
		const hints = run.data.resultData.runData.Sysevo[0].hints ?? [];
		expect(hints.map((hint) => hint.message).join(' ')).toContain(
			'were still running when the maximum wait ended',
		);
		expect(found('were still running when the maximum wait ended')).toContain('hint');
	});

	it('holds the warning logged when the agent list is down; the call still goes through, with no key in the log', async () => {
		sandbox.current.faults.inject({ kind: 'text500', route: 'listAgents', times: Infinity });
		const { json, error } = await runNode({
			parameters: triggerParameters(),
			items: [{ phone: '+14155552671', name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		expect(json[0]).toMatchObject({
			status: 'initiated',
			workflow_id: null,
			phone_number: '+14155552671',
		});
		expect(sandbox.current.dials('+14155552671')).toBe(1);
		// winston writes its console lines asynchronously: give it a moment.
		const line =
			'agent list unavailable, workflow_id left empty (Sysevo had an internal error (HTTP 500)';
		for (let waited = 0; waited < 3000 && !found(line).includes('log'); waited += 50)
			await sleep(50);
		expect(found(line)).toContain('log');
	});
});
