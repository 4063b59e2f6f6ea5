// n8n-core writes an encryption key into <N8N_USER_FOLDER>/.n8n on first use; keep it out of $HOME.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'sysevo-n8n-'));

// Key-leak check: every console call and stdout/stderr write goes to the leak dir too.
require('./helpers/leaks').mirrorConsole(console, process);
