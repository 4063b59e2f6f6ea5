// Key-leak check across the whole test run.
//
// Every node execution (test/helpers/engine.ts), every console call and every stdout/stderr write
// of a jest worker (test/setup-env.js) is appended, one JSON line per artifact, to a per-worker file
// in SYSEVO_LEAK_DIR, a temp dir made by test/leakSetup.js. test/leakTeardown.js scans the dir for
// the sandbox API keys and the webhook test secrets once all tests have run and fails the run on
// any hit, or on an empty scan.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');

const MAX_DEPTH = 12;

// The shared secrets that the webhook tests configure (a Sysevo Webhook API credential, and the
// parameter of workflows saved before it existed). Built at run time so the source holds no
// literal secret; every webhook test takes its secret from here so the scan covers it.
const WEBHOOK_TEST_SECRETS = Object.freeze({
	credential: ['sysevo', 'credential', 'secret', '2026'].join('-'),
	legacy: ['sysevo', 'webhook', 'check', '2026'].join('-'),
});

/** Everything the suite-wide scan looks for: the given API keys and the webhook test secrets. */
function suiteSecrets(apiKeys) {
	return [...apiKeys, ...Object.values(WEBHOOK_TEST_SECRETS)];
}

function leakDir() {
	return process.env.SYSEVO_LEAK_DIR || undefined;
}

/** A JSON-safe copy: errors keep message, stack, description, httpCode, context, cause and own fields. */
function toPlain(value, seen = new WeakSet(), depth = 0) {
	if (value === null || value === undefined) return value ?? null;
	if (typeof value === 'bigint') return `${value}n`;
	if (typeof value === 'function') return `[function ${value.name}]`;
	if (typeof value === 'symbol') return String(value);
	if (typeof value !== 'object') return value;
	if (seen.has(value)) return '[circular]';
	if (depth > MAX_DEPTH) return '[deep]';
	seen.add(value);
	try {
		if (Buffer.isBuffer(value)) return value.toString('utf8');
		if (value instanceof Date) return value.toISOString();
		if (value instanceof Error) {
			const plain = { name: value.name, message: value.message, stack: value.stack };
			for (const key of [
				'description',
				'httpCode',
				'context',
				'cause',
				'messages',
				'errorResponse',
				'level',
				'tags',
				'extra',
			]) {
				if (value[key] !== undefined) plain[key] = toPlain(value[key], seen, depth + 1);
			}
			for (const key of Object.keys(value)) {
				if (!(key in plain)) plain[key] = toPlain(value[key], seen, depth + 1);
			}
			return plain;
		}
		if (Array.isArray(value)) return value.map((entry) => toPlain(entry, seen, depth + 1));
		if (value instanceof Map) return toPlain(Object.fromEntries(value), seen, depth + 1);
		if (value instanceof Set) return toPlain([...value], seen, depth + 1);
		const plain = {};
		for (const key of Object.keys(value)) plain[key] = toPlain(value[key], seen, depth + 1);
		return plain;
	} finally {
		seen.delete(value);
	}
}

function append(file, artifacts) {
	const dir = leakDir();
	if (!dir || artifacts.length === 0) return;
	const lines = artifacts.map((artifact) => `${JSON.stringify(artifact)}\n`).join('');
	fs.appendFileSync(path.join(dir, `${file}-${process.pid}.jsonl`), lines);
}

const REQUIRED_PREFIX = 'required-';

/** Notes, for the teardown, artifact kinds the run must record (one empty file per kind). */
function noteRequiredKinds(kinds) {
	const dir = leakDir();
	if (!dir) return;
	for (const kind of kinds) fs.writeFileSync(path.join(dir, `${REQUIRED_PREFIX}${kind}`), '');
}

/** The kinds noted by noteRequiredKinds during the run. */
function requiredKinds(dir) {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((file) => file.startsWith(REQUIRED_PREFIX))
		.map((file) => file.slice(REQUIRED_PREFIX.length))
		.sort();
}

/** Records one RunResult: each output item, the error, and each execution hint. */
function recordRun(result) {
	// Outside the test run (the bench) there is no scan to hand copies to.
	if (!leakDir()) return;
	const artifacts = [];
	for (const [output, items] of (result.outputs || []).entries()) {
		for (const item of items || [])
			artifacts.push({ kind: 'output', output, value: toPlain(item) });
	}
	if (result.error) artifacts.push({ kind: 'error', value: toPlain(result.error) });
	const runData =
		result.run &&
		result.run.data &&
		result.run.data.resultData &&
		result.run.data.resultData.runData;
	for (const tasks of Object.values(runData || {})) {
		for (const task of tasks || []) {
			for (const hint of task.hints || []) artifacts.push({ kind: 'hint', value: toPlain(hint) });
			if (task.error && task.error !== result.error)
				artifacts.push({ kind: 'error', value: toPlain(task.error) });
		}
	}
	append('run', artifacts);
}

function recordLog(source, text) {
	append('log', [{ kind: 'log', source, value: text }]);
}

const MIRRORED = Symbol.for('sysevo.leakMirror');

/** Mirrors console calls and stdout/stderr writes of this process into the leak dir. */
function mirrorConsole(consoleObject, proc) {
	if (!leakDir()) return;
	for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
		const original = consoleObject[method];
		if (typeof original !== 'function' || original[MIRRORED]) continue;
		const mirrored = function (...args) {
			recordLog(`console.${method}`, util.formatWithOptions({ depth: MAX_DEPTH }, ...args));
			return original.apply(this, args);
		};
		mirrored[MIRRORED] = true;
		consoleObject[method] = mirrored;
	}
	// winston's console transport writes to console._stdout/_stderr when the console has them.
	const streams = [
		['stdout', proc.stdout],
		['stderr', proc.stderr],
		['console._stdout', consoleObject._stdout],
		['console._stderr', consoleObject._stderr],
	];
	for (const [name, stream] of streams) {
		if (!stream || typeof stream.write !== 'function' || stream.write[MIRRORED]) continue;
		const original = stream.write;
		const mirrored = function (chunk, ...rest) {
			try {
				recordLog(name, Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
			} catch {
				// never break the write itself
			}
			return original.call(this, chunk, ...rest);
		};
		mirrored[MIRRORED] = true;
		stream.write = mirrored;
	}
}

/** The strings that count as a leak of a key: the key, its random part, and its base64 form. */
function secretVariants(keys) {
	const variants = new Set();
	for (const key of keys) {
		if (typeof key !== 'string' || key.length < 16)
			throw new Error(`leak check: implausible key ${JSON.stringify(key)}`);
		variants.add(key);
		variants.add(key.replace(/^sk-sandbox-/, ''));
		variants.add(Buffer.from(key).toString('base64'));
	}
	return [...variants];
}

/**
 * Scans every artifact line in `dir`. Returns the number of artifacts per kind and each leak with
 * the file, kind and secret that matched.
 */
function scanForLeaks(dir, keys) {
	const secrets = secretVariants(keys);
	const counts = { output: 0, error: 0, hint: 0, log: 0, other: 0 };
	const leaks = [];
	let artifacts = 0;
	const files = fs.existsSync(dir)
		? fs.readdirSync(dir).filter((file) => file.endsWith('.jsonl'))
		: [];
	for (const file of files) {
		const text = fs.readFileSync(path.join(dir, file), 'utf8');
		for (const line of text.split('\n')) {
			if (line === '') continue;
			artifacts++;
			// n8n-core's own log file (test/setup-env.js) holds log lines without a kind.
			let kind = file.startsWith('n8n-log-') ? 'log' : 'other';
			try {
				kind = JSON.parse(line).kind ?? kind;
			} catch {
				// a torn line still gets scanned as text
			}
			counts[kind in counts ? kind : 'other']++;
			// One leak per artifact, however many forms of a key it holds.
			const secret = secrets.find((candidate) => line.includes(candidate));
			if (secret)
				leaks.push({
					file,
					kind,
					secret: `${secret.slice(0, 14)}…`,
					excerpt: excerpt(line, secret),
				});
		}
	}
	return { artifacts, counts, leaks, files: files.length };
}

function excerpt(line, secret) {
	const at = line.indexOf(secret);
	return line.slice(Math.max(0, at - 120), at).replace(/\s+/g, ' ');
}

/** Throws unless the scan found no leak and at least one artifact of each required kind. */
function assertNoLeaks(result, requiredKinds = []) {
	if (result.leaks.length > 0) {
		const shown = result.leaks
			.slice(0, 5)
			.map((leak) => `  ${leak.kind} in ${leak.file}: …${leak.excerpt}[${leak.secret}]`);
		throw new Error(
			`key leaks: ${result.leaks.length} in ${result.artifacts} artifacts\n${shown.join('\n')}`,
		);
	}
	if (result.artifacts === 0)
		throw new Error('key leak check scanned nothing: no artifacts were recorded');
	const missing = requiredKinds.filter((kind) => !(result.counts[kind] > 0));
	if (missing.length > 0) {
		throw new Error(
			`key leak check saw no ${missing.join(', ')} artifacts; the recording is not wired up (${JSON.stringify(result.counts)})`,
		);
	}
}

/** For tests of the scanner: a temp dir holding the given files. */
function makeArtifactDir(files) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysevo-leak-probe-'));
	for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
	return dir;
}

function removeDir(dir) {
	fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = {
	assertNoLeaks,
	leakDir,
	makeArtifactDir,
	mirrorConsole,
	noteRequiredKinds,
	recordLog,
	recordRun,
	removeDir,
	requiredKinds,
	scanForLeaks,
	secretVariants,
	suiteSecrets,
	toPlain,
	WEBHOOK_TEST_SECRETS,
};
