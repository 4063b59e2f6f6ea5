// n8n-core writes an encryption key into <N8N_USER_FOLDER>/.n8n on first use; keep it out of $HOME.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { leakDir, mirrorConsole, noteRequiredKinds } = require('./helpers/leaks');

process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'sysevo-n8n-'));

// n8n-core logs every node error it reports, and most suites provoke errors on purpose, so its
// log goes to a file the key-leak check scans (one JSON line per entry) instead of the terminal.
// Failures still show in jest's report; N8N_LOG_OUTPUT=console npm test prints the log as well.
if (!process.env.N8N_LOG_OUTPUT) {
	process.env.N8N_LOG_OUTPUT = 'file';
	process.env.N8N_LOG_FILE_LOCATION = path.join(
		leakDir() ?? process.env.N8N_USER_FOLDER,
		`n8n-log-${process.pid}.jsonl`,
	);
}

// Key-leak check: every console call and stdout/stderr write goes to the leak dir too.
mirrorConsole(console, process);

// The artifact kinds this suite's jest project must record (jest.config.js); the teardown
// requires every kind some suite of the run asked for.
noteRequiredKinds(global.SYSEVO_LEAK_KINDS ?? []);
