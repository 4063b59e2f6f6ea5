import {
	checkPositiveInteger,
	checkTriggerPath,
	checkWorkflowUuid,
} from '../../nodes/shared/helpers/identifiers';
import { IDENTIFIER_ATTACKS } from '../helpers/identifierAttacks';

describe('checkWorkflowUuid', () => {
	it('accepts a UUID, trimmed and lower-cased', () => {
		expect(checkWorkflowUuid(' 0B6F9C1E-7A2D-4F0E-9A55-1C2B3D4E5F60 ')).toEqual({
			valid: true,
			value: '0b6f9c1e-7a2d-4f0e-9a55-1c2b3d4e5f60',
		});
	});

	it.each([...IDENTIFIER_ATTACKS, '', undefined, 42, '0b6f9c1e7a2d4f0e9a551c2b3d4e5f60'])(
		'rejects %p',
		(value) => {
			const result = checkWorkflowUuid(value);
			expect(result.valid).toBe(false);
			expect(result.valid ? '' : result.reason).toContain('workflow UUID');
		},
	);
});

describe('checkTriggerPath', () => {
	it.each([
		'5d1e7c3a-2b4f-4e8a-9c1d-0a2b3c4d5e6f',
		'appointment-confirm',
		'lead_qualifier',
		'A'.repeat(36),
	])('accepts %s', (path) => {
		expect(checkTriggerPath(path)).toEqual({ valid: true, value: path });
	});

	it.each([...IDENTIFIER_ATTACKS, 'A'.repeat(37), '', null])('rejects %p', (value) => {
		const result = checkTriggerPath(value);
		expect(result.valid).toBe(false);
		expect(result.valid ? '' : result.reason).toContain('letters, digits');
	});
});

describe('checkPositiveInteger', () => {
	it.each([
		[48213, 48213],
		['312', 312],
		[' 7 ', 7],
	])('accepts %p', (value, expected) => {
		expect(checkPositiveInteger(value, 'run ID')).toEqual({ valid: true, value: expected });
	});

	it.each([
		...IDENTIFIER_ATTACKS,
		0,
		-1,
		1.5,
		'1e3',
		'0x10',
		'12abc',
		'',
		null,
		undefined,
		'99999999999999999',
		NaN,
		'١٢',
	])('rejects %p', (value) => {
		const result = checkPositiveInteger(value, 'run ID');
		expect(result).toEqual({ valid: false, reason: expect.stringContaining('The run ID is') });
	});
});
