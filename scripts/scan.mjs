// Runs n8n's community-package scan (the lint n8n applies before verifying a package) on the
// source tree and on the tarball npm would publish. Exits non-zero if either leg fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');

function unpackTarball() {
	const dir = mkdtempSync(join(tmpdir(), 'sysevo-scan-'));
	execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
	execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
	return join(dir, 'package');
}

const legs = [
	['source', root, SOURCE_FILE_PATTERNS],
	['npm tarball', unpackTarball(), ['**/*.js', 'package.json']],
];

let failed = false;
for (const [name, dir, patterns] of legs) {
	const result = await analyzePackage(dir, patterns);
	console.log(`scan ${name}: ${result.passed ? 'passed' : `FAILED (${result.message})`}`);
	if (!result.passed) {
		failed = true;
		if (result.details) console.log(result.details);
	}
}
process.exit(failed ? 1 : 0);
