import { describeHttpError, detailOf, textOf } from '../../nodes/shared/helpers/errors';

describe('detailOf', () => {
	it('returns a string detail as it is', () => {
		expect(detailOf({ detail: 'Invalid API key' })).toBe('Invalid API key');
	});

	it('joins pydantic validation items by field', () => {
		expect(
			detailOf({
				detail: [
					{ type: 'missing', loc: ['body', 'phone_number'], msg: 'Field required', input: {} },
					{
						type: 'dict_type',
						loc: ['body', 'initial_context'],
						msg: 'Input should be a valid dictionary',
						input: 'x',
					},
				],
			}),
		).toBe('phone_number: Field required; initial_context: Input should be a valid dictionary');
	});

	it('gives nothing for bodies without a detail', () => {
		expect(detailOf('Internal Server Error')).toBeUndefined();
		expect(detailOf({ message: 'x' })).toBeUndefined();
	});
});

describe('textOf', () => {
	it('reduces an HTML gateway page to its text', () => {
		expect(
			textOf(
				'<html><head><title>502 Bad Gateway</title><style>body{}</style></head><body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>',
			),
		).toBe('502 Bad Gateway 502 Bad Gateway nginx');
	});
});

describe('describeHttpError', () => {
	it('points a 404 on a trigger path at the identifier kind', () => {
		const text = describeHttpError(404, { detail: 'Agent trigger not found' }, 'triggerByPath');
		expect(text.message).toBe('Not found: Agent trigger not found');
		expect(text.description).toContain("not the agent's workflow UUID");
	});

	it('says a 5xx on a trigger may have dialled', () => {
		expect(describeHttpError(500, 'Internal Server Error', 'triggerByWorkflow')).toEqual({
			message: 'Sysevo had an internal error (HTTP 500): Internal Server Error',
			description: expect.stringContaining('The call may have been placed'),
		});
	});

	it('does not say so for reads', () => {
		expect(describeHttpError(503, { detail: 'down' }, 'getRun').description).not.toContain(
			'may have been placed',
		);
	});

	it('says no call was placed on 429 and 402', () => {
		expect(
			describeHttpError(429, { detail: 'Concurrent call limit reached' }, 'triggerByPath')
				.description,
		).toContain('No call was placed');
		expect(
			describeHttpError(402, { detail: 'You have exhausted your credits.' }, 'triggerByPath')
				.description,
		).toContain('No call was placed');
	});

	it('explains a redirect instead of following it', () => {
		expect(describeHttpError(307, '', 'getRun').message).toContain('redirect (HTTP 307)');
	});
});
