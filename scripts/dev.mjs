#!/usr/bin/env node
// `npm run dev`: the Sysevo sandbox plus a real, pinned n8n editor on http://localhost:5678 with
// this package loaded, an owner account, the sandbox credential and the examples. No Sysevo
// account needed; the only download is the one-time n8n install from the npm registry.
//
// How code changes get in: n8n loads the package from
//   <dev folder>/n8n/.n8n/nodes/node_modules/n8n-nodes-sysevo   (like an installed community package,
//   node type n8n-nodes-sysevo.sysevo, the same as in production and in the examples)
// which holds a copy of package.json and dist/. This script watches the repository's dist/: after
// `npm run build` (in another terminal) it copies the new dist/ in, and n8n, started with
// N8N_DEV_RELOAD=true, hot-reloads the package (no restart; reopen the node to see description
// changes). `n8n-node dev --external-n8n` is not used: it links the project into ~/.n8n/custom,
// where the node type becomes CUSTOM.sysevo and the examples would not open.
//
// Options:  --fresh       start from an empty n8n database (new owner, examples re-imported)
//           --reimport    re-import the examples (overwrites your edits to them)
// Env:      SYSEVO_DEV_DIR (default <cache>/dev), SYSEVO_DEV_PORT (5678), SYSEVO_SANDBOX_PORT (4010),
//           SYSEVO_SANDBOX_TIME_SCALE (0.2: a 30 s sandbox call takes 6 s)
import fs from 'node:fs';
import path from 'node:path';

import {
	CREDENTIAL,
	ROOT,
	cacheDir,
	communityPackageDir,
	jsonFiles,
	log,
	n8nCli,
	n8nEnv,
	isStopping,
	ownerSession,
	provisionN8n,
	run,
	stageExampleFiles,
	stageWorkflows,
	startN8n,
	startSandbox,
	stopAll,
	stopChildrenOnSignals,
	writeCredentialFile,
} from './lib/harness.mjs';

export const DEV_LOGIN = {
	email: 'dev@example.com',
	password: 'SysevoDev1',
	firstName: 'Sysevo',
	lastName: 'Developer',
};

const args = new Set(process.argv.slice(2));
const devDir = process.env.SYSEVO_DEV_DIR || path.join(cacheDir(), 'dev');
const port = Number(process.env.SYSEVO_DEV_PORT || 5678);
const sandboxPort = Number(process.env.SYSEVO_SANDBOX_PORT || 4010);
const userFolder = path.join(devDir, 'n8n');
const filesDir = path.join(devDir, 'files');
const marker = path.join(devDir, '.examples-imported');

/** Copies package.json and dist/ into the community-package folder, swapping dist/ in one rename. */
function syncPackage() {
	const target = communityPackageDir(userFolder);
	fs.mkdirSync(target, { recursive: true });
	const staging = path.join(path.dirname(target), `.${path.basename(target)}-dist-${process.pid}`);
	fs.rmSync(staging, { recursive: true, force: true });
	fs.cpSync(path.join(ROOT, 'dist'), staging, { recursive: true });
	const old = `${staging}-old`;
	if (fs.existsSync(path.join(target, 'dist'))) fs.renameSync(path.join(target, 'dist'), old);
	fs.renameSync(staging, path.join(target, 'dist'));
	fs.rmSync(old, { recursive: true, force: true });
	fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(target, 'package.json'));
	for (const name of ['README.md', 'LICENSE']) {
		if (fs.existsSync(path.join(ROOT, name)))
			fs.copyFileSync(path.join(ROOT, name), path.join(target, name));
	}
}

function buildComplete() {
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	return [...pkg.n8n.nodes, ...pkg.n8n.credentials].every((file) =>
		fs.existsSync(path.join(ROOT, file)),
	);
}

/** Watches dist/ and syncs once a build has settled (no change for 2 s). */
function watchDist(onSynced) {
	let timer = null;
	const distDir = path.join(ROOT, 'dist');
	const schedule = () => {
		clearTimeout(timer);
		timer = setTimeout(() => {
			if (!buildComplete()) return schedule();
			try {
				syncPackage();
				onSynced();
			} catch (error) {
				log(`could not copy dist/: ${error.message}`);
			}
		}, 2000);
	};
	// dist/ is deleted and recreated by builds, so watch the repository root for it to reappear too.
	let watcher = null;
	const attach = () => {
		if (watcher || !fs.existsSync(distDir)) return;
		watcher = fs.watch(distDir, { recursive: true }, schedule);
		watcher.on('error', () => {
			watcher?.close();
			watcher = null;
		});
	};
	attach();
	fs.watch(ROOT, (_event, name) => {
		if (name === 'dist') {
			watcher?.close();
			watcher = null;
			attach();
			schedule();
		}
	});
	setInterval(attach, 2000).unref();
}

async function main() {
	stopChildrenOnSignals();
	log(
		'provisioning the pinned n8n (the first run downloads it: about 6-10 min; later runs reuse it)',
	);
	const n8n = provisionN8n();

	if (args.has('--fresh')) fs.rmSync(devDir, { recursive: true, force: true });
	fs.mkdirSync(filesDir, { recursive: true });

	log('building the package (npm run build)');
	run('npm', ['run', 'build', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
	syncPackage();

	const sandbox = await startSandbox({
		port: sandboxPort,
		timeScale: Number(process.env.SYSEVO_SANDBOX_TIME_SCALE || 0.2),
		logFile: path.join(devDir, 'sandbox.log'),
	});
	const env = n8nEnv({
		userFolder,
		filesDir,
		brokerPort: Number(process.env.SYSEVO_DEV_BROKER_PORT || 5679),
		port,
		extra: {
			N8N_DEV_RELOAD: 'true',
			N8N_HOST: 'localhost',
			N8N_EDITOR_BASE_URL: `http://localhost:${port}`,
		},
	});

	log('importing the sandbox credential');
	const credential = await n8nCli(n8n, env, [
		'import:credentials',
		`--input=${writeCredentialFile(devDir, sandbox.baseUrl)}`,
	]);
	if (credential.code !== 0)
		throw new Error(`import:credentials failed:\n${credential.stdout}${credential.stderr}`);

	stageExampleFiles(filesDir);
	if (!fs.existsSync(marker) || args.has('--reimport')) {
		log('importing the examples');
		const stagingDir = path.join(devDir, 'workflows');
		fs.rmSync(stagingDir, { recursive: true, force: true });
		stageWorkflows(jsonFiles(path.join(ROOT, 'examples')), stagingDir, filesDir);
		const imported = await n8nCli(n8n, env, [
			'import:workflow',
			'--separate',
			`--input=${stagingDir}`,
		]);
		if (imported.code !== 0)
			throw new Error(`import:workflow failed:\n${imported.stdout}${imported.stderr}`);
		fs.writeFileSync(marker, new Date().toISOString());
	}

	log(`starting n8n ${process.env.N8N_VERSION ?? ''} (about 20-40 s)`.replace('  ', ' '));
	const server = await startN8n(n8n, env, {
		logFile: path.join(devDir, 'n8n.log'),
		echo: args.has('--verbose'),
	});
	await ownerSession(server.url, DEV_LOGIN).catch((error) => {
		log(
			`warning: could not log in as ${DEV_LOGIN.email} (${error.message}); run with --fresh to recreate the owner`,
		);
	});

	watchDist(() => log('dist/ changed: copied the new build into n8n, which reloads the package'));
	void server.exited.then(({ code, signal }) => {
		if (isStopping()) return;
		log(`n8n exited (${code ?? signal}); see ${path.join(devDir, 'n8n.log')}`);
		void stopAll().then(() => process.exit(1));
	});

	console.log(`
  n8n editor      ${server.url}
  login           ${DEV_LOGIN.email} / ${DEV_LOGIN.password}
  credential      "${CREDENTIAL.name}" (Sysevo API) -> ${sandbox.baseUrl}
  examples        ${jsonFiles(path.join(ROOT, 'examples'))
		.map((file) => path.basename(file, '.json'))
		.join(', ')}
  example files   ${path.join(filesDir, 'sysevo')} (N8N_RESTRICT_FILE_ACCESS_TO=${filesDir})
  sandbox admin   ${sandbox.origin}/__sandbox/stats
  logs            ${path.join(devDir, 'n8n.log')}, ${path.join(devDir, 'sandbox.log')}

  Change code, run \`npm run build\` (another terminal): the new build is copied in and n8n reloads it.
  Ctrl-C stops n8n and the sandbox.
`);
}

main().catch(async (error) => {
	console.error(error?.stack ?? error);
	await stopAll();
	process.exit(1);
});
