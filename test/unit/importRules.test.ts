/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- runs ESLint in a child process, not part of the published package */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const LAYERS_CONFIG = 'eslint.layers.config.mjs';

interface Case {
	filePath: string;
	source: string;
}

// ESLint loads its flat config with a dynamic import(), which jest's module sandbox does not
// allow: the sources are linted by ESLint's Node API in a child process, all in one run.
const LINT_PROGRAM = `
import { ESLint } from 'eslint';
const cases = JSON.parse(process.argv[1]);
const eslint = new ESLint({ overrideConfigFile: ${JSON.stringify(LAYERS_CONFIG)} });
const messages = [];
for (const { filePath, source } of cases) {
	const [result] = await eslint.lintText(source, { filePath });
	messages.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
}
process.stdout.write(JSON.stringify(messages));
`;

function lint(cases: Case[]): Array<Array<{ ruleId: string | null; message: string }>> {
	const output = execFileSync(
		process.execPath,
		['--input-type=module', '-e', LINT_PROGRAM, JSON.stringify(cases)],
		{ cwd: ROOT, encoding: 'utf8' },
	);
	return JSON.parse(output);
}

const RULE = 'import-x/no-restricted-paths';

describe('the import table (eslint.layers.config.mjs)', () => {
	const backImports: Array<Case & { says: string }> = [
		{
			filePath: 'nodes/Sysevo/calling/example.ts',
			source: "import type { TriggerOptions } from '../actions/call/trigger.operation';\n",
			says: 'calling/ does not import actions/',
		},
		{
			filePath: 'nodes/Sysevo/calling/example.ts',
			source: "import { agentSearch } from '../methods/index';\n",
			says: 'calling/ does not import actions/ or methods/',
		},
		{
			filePath: 'nodes/SysevoTrigger/poll/example.ts',
			source: "import { waitForRun } from '../../Sysevo/calling/waitForRun';\n",
			says: "The Sysevo Trigger does not import the Sysevo node's folder",
		},
		{
			filePath: 'nodes/SysevoTrigger/example.ts',
			source: "import { router } from '../Sysevo/actions/router';\n",
			says: "The Sysevo Trigger does not import the Sysevo node's folder",
		},
		{
			filePath: 'nodes/Sysevo/actions/example.ts',
			source: "import { CursorUpdate } from '../../SysevoTrigger/poll/cursor';\n",
			says: "The Sysevo node does not import the trigger's folder",
		},
		{
			filePath: 'nodes/shared/example.ts',
			source: "import type { TriggerPlan } from '../Sysevo/calling/callPlan';\n",
			says: "nodes/shared/ is what both nodes use: it imports neither node's folder",
		},
		{
			filePath: 'nodes/shared/helpers/example.ts',
			source: "import { getRun } from '../transport/api';\n",
			says: 'helpers/ are pure rules',
		},
		{
			filePath: 'nodes/shared/transport/example.ts',
			source: "import { runOutput } from '../runOutput';\n",
			says: 'transport/ imports only helpers/ and defaults.ts',
		},
		{
			filePath: 'nodes/SysevoTrigger/webhook/example.ts',
			source: "import { pollRuns } from '../poll/pollRuns';\n",
			says: "The trigger's poll/ and webhook/ do not import each other",
		},
	];
	const allowed: Case[] = [
		{
			filePath: 'nodes/Sysevo/calling/example.ts',
			source:
				"import type { TriggerPlan } from './callPlan';\nimport { getRun } from '../../shared/transport/api';\n",
		},
		{
			filePath: 'nodes/Sysevo/actions/call/example.ts',
			source:
				"import { placeCall } from '../../calling/placeCall';\nimport { runOutput } from '../../../shared/runOutput';\n",
		},
		{
			filePath: 'nodes/SysevoTrigger/poll/example.ts',
			source:
				"import { runOutput } from '../../shared/runOutput';\nimport { DEFAULT_OUTCOME_SETTLE_SECONDS } from '../../shared/defaults';\n",
		},
		{
			filePath: 'nodes/shared/transport/example.ts',
			source:
				"import { textOf } from '../helpers/errors';\nimport { DEFAULT_REQUEST_TIMEOUT_SECONDS } from '../defaults';\n",
		},
	];
	let results: ReturnType<typeof lint>;
	beforeAll(() => {
		results = lint([...backImports, ...allowed]);
	});

	it.each(
		backImports.map(
			(backImport, index) =>
				[`${backImport.filePath}: ${backImport.source.trim()}`, backImport, index] as const,
		),
	)('refuses %s, naming the rule', (_filePath, { says }, index) => {
		expect(results[index]).toEqual([
			{ ruleId: RULE, message: expect.stringContaining(says) as string },
		]);
		expect(results[index][0].message).toContain('docs/architecture.md');
	});

	it.each(
		allowed.map(
			(allowedImport, index) => [allowedImport.filePath, backImports.length + index] as const,
		),
	)('lets %s import what the table allows', (_filePath, index) => {
		expect(results[index]).toEqual([]);
	});

	it('is part of npm run lint, after n8n-node lint', () => {
		const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
			scripts: Record<string, string>;
		};
		expect(scripts.lint).toMatch(/^n8n-node lint && eslint -c eslint\.layers\.config\.mjs /);
	});
});
