// Shared glue for scripts/e2e.mjs, scripts/dev.mjs and scripts/ui-test.mjs: a pinned real n8n
// (scripts/provision-n8n.sh), this package installed into it as a community package, and the
// Sysevo sandbox as its own process. Plain Node ESM on purpose: the community lint rules apply
// to .ts files only, and this file needs child_process, fs and process.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PACKAGE_NAME = 'n8n-nodes-sysevo';
export const SANDBOX_API_KEY = 'sk-sandbox-3f9d2c7a41be4e0f8a6b5c1d9e7f2a40'; // SEED.apiKey in sandbox/data.ts
export const CREDENTIAL = { id: 'sysevoSandbox01', name: 'Sysevo sandbox' };
/** The examples read and write files here (n8n's Docker default for N8N_RESTRICT_FILE_ACCESS_TO). */
export const EXAMPLES_FILES_PLACEHOLDER = '/home/node/.n8n-files';

const started = new Set();

export function log(...args) {
	console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);
}

export function cacheDir() {
	return process.env.SYSEVO_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-sysevo');
}

/**
 * Runs scripts/provision-n8n.sh (fast when cached) for `version` (an exact n8n version, `1.x` or
 * `2.x`; default: the script's 2.x pin) and returns { NODE24, N8N_BIN, N8N_VERSION }.
 */
export function provisionN8n(version) {
	const out = execFileSync(
		'bash',
		[path.join(ROOT, 'scripts/provision-n8n.sh'), ...(version ? [version] : [])],
		{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const result = {};
	for (const line of out.trim().split('\n').slice(-2)) {
		const [key, ...rest] = line.split('=');
		result[key] = rest.join('=');
	}
	if (!result.NODE24 || !result.N8N_BIN)
		throw new Error(`provision-n8n.sh printed no NODE24/N8N_BIN:\n${out}`);
	result.N8N_VERSION = JSON.parse(
		fs.readFileSync(path.join(path.dirname(result.N8N_BIN), '..', 'package.json'), 'utf8'),
	).version;
	return result;
}

/**
 * What differs between the n8n lines this package supports, for scripts that drive the CLI and
 * the REST API. The node itself has no per-line settings; only the tooling around it adapts.
 */
export function n8nLine(version) {
	const major = Number(String(version).split('.')[0]);
	if (major !== 1 && major !== 2)
		throw new Error(`n8n ${version}: only the 1.x and 2.x lines are supported`);
	return {
		version,
		major,
		/**
		 * CLI arguments that make a workflow active from the next `n8n start` on. 2.x publishes the
		 * current version (`update:workflow --active` is gone); 1.x has no publishing and sets the
		 * active flag. Neither takes effect in an n8n that is already running.
		 */
		activateArgs: (id) =>
			major >= 2
				? ['publish:workflow', `--id=${id}`]
				: ['update:workflow', `--id=${id}`, '--active=true'],
		/** CLI arguments that write one workflow as JSON (an array of one) to `file`; same on both. */
		exportArgs: (id, file) => ['export:workflow', `--id=${id}`, `--output=${file}`],
	};
}

export function run(cmd, args, options = {}) {
	return execFileSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...options });
}

/** npm pack into a temp folder; returns the tarball path. */
export function packPackage() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysevo-e2e-pack-'));
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const [{ filename }] = JSON.parse(out.slice(out.indexOf('[')));
	return path.join(dir, path.basename(filename));
}

/** The folder n8n scans for installed community packages. */
export function communityPackageDir(userFolder) {
	return path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
}

/** Unpacks the npm tarball where n8n looks for installed community packages. */
export function installTarball(userFolder, tarball) {
	const target = communityPackageDir(userFolder);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	execFileSync('tar', ['xzf', tarball, '-C', target, '--strip-components=1']);
	return target;
}

export async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Spawns a long-running child in its own process group; stop() ends the whole group. */
export function startProcess(name, cmd, args, { env, cwd = ROOT, logFile, echo = false } = {}) {
	const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
	const child = spawn(cmd, args, {
		cwd,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const listeners = [];
	let buffer = '';
	const onData = (chunk) => {
		const text = chunk.toString();
		buffer += text;
		if (buffer.length > 200_000) buffer = buffer.slice(-100_000);
		if (out !== 'ignore') fs.writeSync(out, text);
		if (echo) process.stdout.write(text.replace(/^(?=.)/gm, `[${name}] `));
		for (const listener of listeners) listener(buffer);
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	const exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => resolve({ code, signal }));
		child.on('error', (error) => resolve({ code: `spawn error: ${error.message}`, signal: null }));
	});
	const handle = {
		name,
		child,
		exited,
		output: () => buffer,
		/** Resolves with the regex match once the output matches, rejects on exit or timeout. */
		waitFor(regex, timeoutMs) {
			return new Promise((resolve, reject) => {
				const timer = setTimeout(
					() =>
						reject(
							new Error(`${name}: no ${regex} within ${timeoutMs} ms\n${buffer.slice(-3000)}`),
						),
					timeoutMs,
				);
				const check = (text) => {
					const match = text.match(regex);
					if (match) {
						clearTimeout(timer);
						resolve(match);
					}
				};
				listeners.push(check);
				check(buffer);
				void exited.then(({ code, signal }) => {
					clearTimeout(timer);
					reject(
						new Error(`${name} exited (${code ?? signal}) before ${regex}\n${buffer.slice(-3000)}`),
					);
				});
			});
		},
		async stop(timeoutMs = 15_000) {
			started.delete(handle);
			if (child.exitCode !== null || child.signalCode !== null) return;
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				return;
			}
			const timer = setTimeout(() => {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					/* already gone */
				}
			}, timeoutMs);
			await exited;
			clearTimeout(timer);
		},
	};
	started.add(handle);
	return handle;
}

/** Stops every process this module started (used on exit and on Ctrl-C). */
export async function stopAll() {
	await Promise.all([...started].reverse().map((handle) => handle.stop()));
}

let cleanupHooked = false;
let stoppingAll = false;
/** True once Ctrl-C / SIGTERM handling has begun (children exiting then is expected). */
export const isStopping = () => stoppingAll;
/** Ctrl-C / SIGTERM: stop children, run extra cleanup, exit. */
export function stopChildrenOnSignals(extraCleanup = async () => {}) {
	if (cleanupHooked) return;
	cleanupHooked = true;
	let stopping = false;
	const onSignal = (signal) => {
		if (stopping) return;
		stopping = true;
		stoppingAll = true;
		log(`${signal}: stopping n8n and the sandbox...`);
		void stopAll()
			.then(extraCleanup)
			.finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('exit', () => {
		for (const handle of started) {
			try {
				process.kill(-handle.child.pid, 'SIGKILL');
			} catch {
				/* already gone */
			}
		}
	});
}

/** Starts `tsx sandbox/cli.ts` and resolves once it listens. */
export async function startSandbox({ port, timeScale = 0.05, logFile, echo = false }) {
	const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
	const handle = startProcess(
		'sandbox',
		tsx,
		['sandbox/cli.ts', '--port', String(port), '--time-scale', String(timeScale)],
		{
			logFile,
			echo,
		},
	);
	const [, baseUrl] = await handle.waitFor(/listening on (\S+)/, 30_000);
	handle.baseUrl = baseUrl;
	handle.origin = new URL(baseUrl).origin;
	handle.stats = async () => await (await fetch(`${handle.origin}/__sandbox/stats`)).json();
	return handle;
}

/** Environment for every n8n process of a user folder. */
export function n8nEnv({ userFolder, filesDir, brokerPort, port, extra = {} }) {
	return {
		N8N_USER_FOLDER: userFolder,
		// Mandatory here: with the default isolated-vm engine about half of `n8n execute` runs
		// die with SIGSEGV after printing their result (see scripts/provision-n8n.sh).
		N8N_EXPRESSION_ENGINE: 'legacy',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		...(port
			? { N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_HOST: 'localhost' }
			: {}),
		...(filesDir ? { N8N_RESTRICT_FILE_ACCESS_TO: filesDir } : {}),
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
		DB_SQLITE_POOL_SIZE: '4',
		...extra,
	};
}

/** Runs one n8n CLI command under Node 24; resolves { code, stdout, stderr, ms }. */
export function n8nCli(n8n, env, args, { timeoutMs = 180_000 } = {}) {
	return new Promise((resolve) => {
		const t0 = Date.now();
		fs.mkdirSync(env.N8N_USER_FOLDER, { recursive: true });
		const child = spawn(n8n.NODE24, [n8n.N8N_BIN, ...args], {
			cwd: env.N8N_USER_FOLDER,
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		const handle = { child, stop: async () => killGroup(child), name: `n8n ${args[0]}` };
		started.add(handle);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => killGroup(child), timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			started.delete(handle);
			resolve({ code: `spawn error: ${error.message}`, stdout, stderr, ms: Date.now() - t0 });
		});
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			started.delete(handle);
			resolve({
				code: code ?? (signal ? `signal ${signal}` : null),
				stdout,
				stderr,
				ms: Date.now() - t0,
			});
		});
	});
}

function killGroup(child) {
	try {
		process.kill(-child.pid, 'SIGKILL');
	} catch {
		/* gone */
	}
}

/**
 * Writes the sandbox's Sysevo API credential, plus any `extra` credentials ({id, name, type,
 * data}), as one file for `import:credentials`.
 */
export function writeCredentialFile(dir, baseUrl, extra = []) {
	const file = path.join(dir, 'credentials.json');
	fs.writeFileSync(
		file,
		JSON.stringify(
			[{ ...CREDENTIAL, type: 'sysevoApi', data: { apiKey: SANDBOX_API_KEY, baseUrl } }, ...extra],
			null,
			2,
		),
	);
	return file;
}

/**
 * Copies workflow JSON files into `dir` (one per file, for `import:workflow --separate`),
 * pointing the examples' file paths at `filesDir`.
 */
export function stageWorkflows(files, dir, filesDir) {
	fs.mkdirSync(dir, { recursive: true });
	const workflows = [];
	for (const file of files) {
		let text = fs.readFileSync(file, 'utf8');
		if (filesDir) text = text.split(EXAMPLES_FILES_PLACEHOLDER).join(filesDir);
		const workflow = JSON.parse(text);
		if (!workflow.id || workflow.id.length > 21)
			throw new Error(`${file}: needs a fixed "id" of at most 21 characters`);
		fs.writeFileSync(path.join(dir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
		workflows.push({ file, workflow });
	}
	return workflows;
}

export function jsonFiles(dir) {
	return fs
		.readdirSync(dir)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => path.join(dir, name));
}

/** Copies the examples' sample input files into the folder n8n may read and write. */
export function stageExampleFiles(filesDir) {
	const target = path.join(filesDir, 'sysevo');
	fs.mkdirSync(target, { recursive: true });
	for (const name of fs.readdirSync(path.join(ROOT, 'examples'))) {
		if (name.endsWith('.csv'))
			fs.copyFileSync(path.join(ROOT, 'examples', name), path.join(target, name));
	}
	return target;
}

/**
 * Starts `n8n start` and resolves once /healthz/readiness answers 200 and n8n has printed
 * "Editor is now accessible". Readiness alone only means the database is migrated: on 1.x the
 * REST routes and the active workflows' webhooks and pollers come a few seconds later.
 */
export async function startN8n(n8n, env, { logFile, echo = false, timeoutMs = 180_000 } = {}) {
	fs.mkdirSync(env.N8N_USER_FOLDER, { recursive: true });
	const handle = startProcess('n8n', n8n.NODE24, [n8n.N8N_BIN, 'start'], {
		env,
		cwd: env.N8N_USER_FOLDER,
		logFile,
		echo,
	});
	const url = `http://localhost:${env.N8N_PORT}`;
	const deadline = Date.now() + timeoutMs;
	let exitInfo = null;
	void handle.exited.then((info) => (exitInfo = info));
	for (;;) {
		if (exitInfo)
			throw new Error(
				`n8n exited (${exitInfo.code ?? exitInfo.signal}) while starting\n${handle.output().slice(-4000)}`,
			);
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			if (response.status === 200) break;
		} catch {
			/* not up yet */
		}
		if (Date.now() > deadline)
			throw new Error(`n8n not ready within ${timeoutMs} ms\n${handle.output().slice(-4000)}`);
		await sleep(500);
	}
	await handle.waitFor(/Editor is now accessible/, Math.max(deadline - Date.now(), 1000));
	handle.url = url;
	return handle;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the owner account (fresh instance) or logs in; returns the n8n-auth cookie. */
export async function ownerSession(
	url,
	{ email, password, firstName = 'Dev', lastName = 'Owner' },
) {
	let response = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, firstName, lastName, password }),
	});
	if (response.status !== 200) {
		response = await fetch(`${url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		});
	}
	if (response.status !== 200)
		throw new Error(`owner setup and login failed: ${response.status} ${await response.text()}`);
	const cookie = (response.headers.getSetCookie?.() ?? [])
		.map((c) => c.split(';')[0])
		.find((c) => c.startsWith('n8n-auth='));
	if (!cookie) throw new Error('login answered 200 but set no n8n-auth cookie');
	return cookie;
}

/**
 * The executions of a workflow in a running n8n (REST API, same on both lines), newest first:
 * [{ id, status, ... }]. Executions still running are included.
 */
export async function listExecutions(url, cookie, workflowId) {
	const response = await fetch(
		`${url}/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`,
		{ headers: { cookie } },
	);
	if (response.status !== 200)
		throw new Error(`GET /rest/executions: ${response.status} ${await response.text()}`);
	const list = (await response.json()).data?.results ?? [];
	return list.sort((a, b) => Number(b.id) - Number(a.id));
}

/**
 * One execution with its run data parsed: { status, ..., data: { resultData: { runData } } }.
 * n8n stores run data in `flatted` form; `n8nBin` is the CLI whose copy of flatted reads it.
 */
export async function readExecution(url, cookie, id, n8nBin) {
	const response = await fetch(`${url}/rest/executions/${id}`, { headers: { cookie } });
	if (response.status !== 200)
		throw new Error(`GET /rest/executions/${id}: ${response.status} ${await response.text()}`);
	const execution = (await response.json()).data;
	const { parse } = createRequire(n8nBin)('flatted');
	return { ...execution, data: parse(execution.data) };
}
