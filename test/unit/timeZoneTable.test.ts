/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- a test that runs the build-time generator, not part of the published package */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('the generated time-zone table', () => {
	it('is what scripts/generate-time-zones.mjs makes of the committed map_data.txt', () => {
		expect(() =>
			execFileSync(process.execPath, [join(ROOT, 'scripts/generate-time-zones.mjs'), '--check'], {
				stdio: 'pipe',
			}),
		).not.toThrow();
	});

	it('names the libphonenumber version it was generated from, with the Apache-2.0 notice', () => {
		const table = readFileSync(join(ROOT, 'nodes/shared/helpers/timeZoneTable.ts'), 'utf8');
		expect(table).toContain('libphonenumber v9.0.35');
		expect(table).toContain('Licensed under the Apache License, Version 2.0');
		expect(readFileSync(join(ROOT, 'data/libphonenumber/README.md'), 'utf8')).toContain(
			'f7e3e88c92b905c8d6edb81f336dbe25edc05b52',
		);
	});
});
