import { NodeHelpers, type INode } from 'n8n-workflow';

import { Sysevo } from '../../nodes/Sysevo/Sysevo.node';
import { runNode } from '../helpers/engine';
import { credentialsFor, useSandbox } from '../helpers/sandbox';

const sandbox = useSandbox();

const parameters = {
	resource: 'number',
	operation: 'validate',
	phoneNumber: '={{ $json.phone }}',
	options: { defaultCountry: 'US', allowedCountries: ['US'], includeInputFields: true },
};

describe('Validate Number', () => {
	it('checks every item without a request, and keeps the input fields when asked', async () => {
		const items = [
			{ phone: '(415) 555-2671', name: 'Jane' },
			{ phone: '+44 7400 123456', name: 'Ola' },
			{ phone: 'n/a', name: 'Kim' },
		];
		const { json, error } = await runNode({
			parameters,
			items,
			// A working credential, so a request the operation sent would reach the sandbox and count.
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		expect(json.map((row) => [row.name, row.valid, row.allowed, row.e164])).toEqual([
			['Jane', true, true, '+14155552671'],
			['Ola', true, false, '+447400123456'],
			['Kim', false, false, null],
		]);
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it('needs no credential: the credential is hidden for the Phone Number resource', () => {
		const description = new Sysevo().description;
		const [credential] = description.credentials!;
		const node = { parameters: {} } as INode;
		const shown = (resource: string) =>
			NodeHelpers.displayParameter(
				{ resource, operation: 'validate' },
				credential,
				node,
				description,
			);
		expect(shown('number')).toBe(false);
		expect(shown('call')).toBe(true);
	});
});
