import { PackageDirectoryLoader } from 'n8n-core';
import type { INodeType } from 'n8n-workflow';

import { runNode } from '../helpers/engine';
import { packIsolated, root } from '../helpers/pack';
import { credentialsFor, triggerRequests, useSandbox } from '../helpers/sandbox';
import { triggerParameters } from '../node/params';

const sandbox = useSandbox();

async function load(directory: string) {
	const loader = new PackageDirectoryLoader(directory);
	await loader.loadAll();
	return loader;
}

describe('the built package, loaded the way n8n loads a community package', () => {
	it('registers the node and credential with icons, codex and credential support', async () => {
		const loader = await load(root);
		expect(loader.packageName).toBe('n8n-nodes-sysevo');
		expect(Object.keys(loader.known.nodes)).toEqual(['sysevo', 'sysevoTrigger']);
		expect(Object.keys(loader.known.credentials)).toEqual(['sysevoApi', 'sysevoWebhookApi']);
		expect(loader.known.credentials.sysevoApi.supportedNodes).toEqual(['sysevo', 'sysevoTrigger']);
		expect(loader.known.credentials.sysevoWebhookApi.supportedNodes).toEqual(['sysevoTrigger']);

		const [node] = loader.types.nodes;
		expect(node).toMatchObject({
			name: 'sysevo',
			displayName: 'Sysevo',
			usableAsTool: {
				replacements: {
					description: expect.stringContaining('premium-rate and special numbers are refused'),
				},
			},
			iconUrl: {
				light: 'icons/n8n-nodes-sysevo/dist/icons/sysevo.svg',
				dark: 'icons/n8n-nodes-sysevo/dist/icons/sysevo.dark.svg',
			},
			codex: { categories: ['Communication'] },
		});
		// n8n's node panel leaves nodes of the AI category out of ordinary search results.
		for (const type of loader.types.nodes) {
			expect(type.codex?.categories).not.toContain('AI');
			expect(type.codex?.alias).toEqual(expect.arrayContaining(['phone call', 'voice call']));
		}
		const trigger = loader.types.nodes.find((type) => type.name === 'sysevoTrigger');
		expect(trigger).toMatchObject({
			displayName: 'Sysevo Trigger',
			group: ['trigger'],
			polling: true,
			inputs: [],
		});
		expect(trigger?.usableAsTool).toBeUndefined();
	});

	describe('the npm tarball, unpacked alone next to n8n-workflow', () => {
		let packed: ReturnType<typeof packIsolated>;
		beforeAll(() => {
			packed = packIsolated();
		});

		it('ships only the build, with no runtime dependencies', async () => {
			expect(
				packed.files.every(
					(file) =>
						file.startsWith('dist/') || ['package.json', 'README.md', 'LICENSE'].includes(file),
				),
			).toBe(true);
			expect(packed.files).toContain('dist/nodes/Sysevo/Sysevo.node.js');
			// The time-zone table is generated from libphonenumber's map (Apache-2.0).
			expect(packed.files).toContain('dist/THIRD_PARTY_NOTICES.md');
			// crypto is Node's own module (the trigger compares webhook secrets in constant time).
			expect(packed.requiredModules).toEqual(['crypto', 'n8n-workflow']);
			const manifest = (await import(`${packed.packageDir}/package.json`)) as {
				dependencies?: object;
				peerDependencies?: object;
			};
			expect(manifest.dependencies).toBeUndefined();
			expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		});

		it('loads and normalises (415) 555-2671 with default country US to +14155552671', async () => {
			const loader = await load(packed.packageDir);
			const nodeType = loader.getNode('sysevo').type as INodeType;
			const { json, error } = await runNode({
				nodeType,
				parameters: triggerParameters({ options: { defaultCountry: 'US' } }),
				items: [{ phone: '(415) 555-2671', name: 'Jane' }],
				credentials: credentialsFor(sandbox.current),
			});
			expect(error).toBeUndefined();
			expect(json[0].phone_number).toBe('+14155552671');
			expect(JSON.parse(triggerRequests(sandbox.current)[0].rawBody).phone_number).toBe(
				'+14155552671',
			);
		});
	});
});
