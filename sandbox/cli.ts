/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- the sandbox is a Node server, not part of the published package */

import { parseArgs } from 'node:util';

import { OUTCOMES, SEED, startSandbox } from './index';
import { isPlatformVersion, PLATFORM_VERSIONS } from './platform';

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '4010' },
			host: { type: 'string', default: '127.0.0.1' },
			'time-scale': { type: 'string', default: '1' },
			'latency-ms': { type: 'string', default: '0' },
			concurrency: { type: 'string', default: '10' },
			legacy: { type: 'boolean', default: false },
			oss: { type: 'boolean', default: false },
			'platform-version': { type: 'string', default: '1.45' },
			'outcome-settle-seconds': { type: 'string', default: '4' },
		},
	});
	const platformVersion = values['platform-version'];
	if (!isPlatformVersion(platformVersion)) {
		throw new Error(`--platform-version must be one of ${PLATFORM_VERSIONS.join(', ')}`);
	}
	const sandbox = await startSandbox({
		host: values.host,
		port: Number(values.port),
		timeScale: Number(values['time-scale']),
		latencyMs: Number(values['latency-ms']),
		concurrencyLimit: Number(values.concurrency),
		legacyRunShape: values.legacy,
		authStyle: values.oss ? 'oss' : 'hosted',
		platformVersion,
		outcomeSettleSeconds: Number(values['outcome-settle-seconds']),
	});
	const lines = [
		`Sysevo sandbox listening on ${sandbox.baseUrl} (platform ${platformVersion})`,
		`  storage origin: ${sandbox.storageOrigin}`,
		`  API key:        ${SEED.apiKey}`,
		`  agents:         ${Object.values(SEED.agents)
			.map((agent) => `${agent.id} ${agent.name}`)
			.join(', ')}`,
		`  outcomes:       ${Object.values(OUTCOMES)
			.map((outcome) => `${outcome.suffix ?? 'other'}=${outcome.disposition ?? 'never completes'}`)
			.join(', ')}`,
		`  admin:          ${sandbox.origin}/__sandbox/stats`,
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	const stop = () => {
		void sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`${String(error)}\n`);
	process.exit(1);
});
