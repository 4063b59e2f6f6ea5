import { PackageDirectoryLoader } from 'n8n-core';
import type { INodeType } from 'n8n-workflow';

import { root } from '../helpers/pack';
import { credentialsFor, SEED, useSandbox } from '../helpers/sandbox';
import {
	allCompleted,
	idsOf,
	PHONES,
	placeCalls,
	PollingTrigger,
	waitUntil,
} from '../trigger/harness';

const sandbox = useSandbox();

describe('the built Sysevo Trigger, loaded the way n8n loads the package', () => {
	it('fetches a test event and emits a call that ends after activation', async () => {
		const loader = new PackageDirectoryLoader(root);
		await loader.loadAll();
		const nodeType = loader.getNode('sysevoTrigger').type as INodeType;
		const credentials = credentialsFor(sandbox.current);

		const test = await new PollingTrigger({}, credentials, nodeType).poll('manual');
		expect(idsOf(test.items)).toEqual([SEED.runs.answered]);

		const polling = new PollingTrigger({}, credentials, nodeType);
		expect((await polling.poll()).items).toEqual([]);
		const ids = await placeCalls(sandbox.current, [PHONES.busy]);
		await waitUntil(() => allCompleted(sandbox.current, ids));
		expect(idsOf((await polling.poll()).items)).toEqual(ids);
	});
});
