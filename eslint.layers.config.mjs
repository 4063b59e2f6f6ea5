// The import table of docs/architecture.md, kept by `npm run lint` after `n8n-node lint`. It is
// its own file because n8n's strict mode (package.json "n8n.strict", needed for verification)
// requires eslint.config.mjs to be exactly the default. It reuses that default's parsers, plugins
// and import resolver, without its rules, and checks nothing but where each folder may import from.
import { config } from '@n8n/node-cli/eslint';

const SEE = 'See the import table in docs/architecture.md.';

/** `target` (files) may not import from `from` (folders or files), except `except` (relative to `from`). */
const zones = [
	{
		target: './nodes/shared',
		from: ['./nodes/Sysevo', './nodes/SysevoTrigger'],
		message: `nodes/shared/ is what both nodes use: it imports neither node's folder. ${SEE}`,
	},
	{
		target: './nodes/Sysevo',
		from: './nodes/SysevoTrigger',
		message: `The Sysevo node does not import the trigger's folder; move what both use to nodes/shared/. ${SEE}`,
	},
	{
		target: './nodes/SysevoTrigger',
		from: './nodes/Sysevo',
		message: `The Sysevo Trigger does not import the Sysevo node's folder; move what both use to nodes/shared/. ${SEE}`,
	},
	{
		target: './nodes/shared/helpers',
		from: './nodes/shared',
		except: ['./helpers'],
		message: `helpers/ are pure rules: they import nothing of this package but other helpers. ${SEE}`,
	},
	{
		target: './nodes/shared/transport',
		from: './nodes/shared',
		except: ['./transport', './helpers', './defaults.ts'],
		message: `transport/ imports only helpers/ and defaults.ts. ${SEE}`,
	},
	{
		target: './nodes/Sysevo/calling',
		from: './nodes/Sysevo',
		except: ['./calling'],
		message: `calling/ does not import actions/ or methods/: the operations call it, not the reverse. ${SEE}`,
	},
	{
		target: './nodes/Sysevo/methods',
		from: './nodes/Sysevo',
		except: ['./methods'],
		message: `methods/ (the editor's lists) import only nodes/shared/. ${SEE}`,
	},
	{
		target: './nodes/Sysevo/actions',
		from: './nodes/Sysevo',
		except: ['./actions', './calling'],
		message: `actions/ import calling/ and nodes/shared/, not the node class or methods/. ${SEE}`,
	},
	{
		target: './nodes/SysevoTrigger/poll',
		from: ['./nodes/SysevoTrigger/webhook', './nodes/SysevoTrigger/SysevoTrigger.node.ts'],
		message: `The trigger's poll/ and webhook/ do not import each other nor the node class. ${SEE}`,
	},
	{
		target: './nodes/SysevoTrigger/webhook',
		from: ['./nodes/SysevoTrigger/poll', './nodes/SysevoTrigger/SysevoTrigger.node.ts'],
		message: `The trigger's poll/ and webhook/ do not import each other nor the node class. ${SEE}`,
	},
	{
		target: './credentials',
		from: './nodes',
		message: `Credentials stand alone: n8n loads them without the nodes. ${SEE}`,
	},
];

export default [
	...config.map(({ rules: _rules, ...block }) => block),
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		linterOptions: { reportUnusedDisableDirectives: 'off' },
		rules: { 'import-x/no-restricted-paths': ['error', { zones }] },
	},
];
