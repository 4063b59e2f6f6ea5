#!/usr/bin/env node
// `npm run test:ui`: drives the real n8n editor in headless Chromium (the Debian package at
// /usr/bin/chromium through playwright-core; no browser is downloaded). It builds and packs the
// package, starts the sandbox and a fresh pinned n8n with the package installed as a community
// package, logs in, opens the CSV example, opens the Sysevo node and checks that
//   - the Agent list is loaded from the sandbox ("Renewal reminder", "Lead qualifier"),
//   - switching "Identify Agent By" to "API Trigger UUID" shows the "API Trigger UUID" field.
// Screenshots go to test-results/ui/. Ends with `ui: N passed, M failed`; exits 1 on any failure.
//
// Environment: CHROMIUM (default /usr/bin/chromium); SYSEVO_UI_SKIP_BUILD=1 uses the current dist/;
// SYSEVO_UI_URL=http://localhost:5678 tests an already running `npm run dev` instead (dev login).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

import {
	ROOT,
	freePort,
	installTarball,
	jsonFiles,
	log,
	n8nCli,
	n8nEnv,
	ownerSession,
	packPackage,
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

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const LOGIN = {
	email: 'ui-test@example.com',
	password: 'UiSandbox1',
	firstName: 'UI',
	lastName: 'Test',
};
const DEV_LOGIN = { email: 'dev@example.com', password: 'SysevoDev1' }; // scripts/dev.mjs
const WORKFLOW_ID = 'sysevoExampleCsvCalls';
const NODE_NAME = 'Call and Wait';
const SHOTS = path.join(ROOT, 'test-results', 'ui');

const results = [];
const cleanup = [];

async function step(name, fn) {
	const t0 = Date.now();
	try {
		const detail = await fn();
		results.push(true);
		console.log(
			`  PASS  ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s${detail ? `; ${detail}` : ''})`,
		);
		return true;
	} catch (error) {
		results.push(false);
		console.log(
			`  FAIL  ${name}\n        ${String(error?.message ?? error)
				.split('\n')
				.slice(0, 8)
				.join('\n        ')}`,
		);
		return false;
	}
}

/** A fresh n8n with the packed package, the sandbox credential and the examples. */
async function startInstance() {
	if (process.env.SYSEVO_UI_SKIP_BUILD !== '1') {
		log('npm run build');
		run('npm', ['run', 'build', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
	}
	const tarball = packPackage();
	cleanup.push(path.dirname(tarball));
	const n8n = provisionN8n();
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sysevo-ui-'));
	cleanup.push(tmp);
	const userFolder = path.join(tmp, 'n8n');
	const filesDir = path.join(tmp, 'files');
	fs.mkdirSync(filesDir, { recursive: true });
	installTarball(userFolder, tarball);
	stageExampleFiles(filesDir);
	const sandbox = await startSandbox({
		port: await freePort(),
		logFile: path.join(tmp, 'sandbox.log'),
	});
	const env = n8nEnv({
		userFolder,
		filesDir,
		brokerPort: await freePort(),
		port: await freePort(),
	});
	const workflowDir = path.join(tmp, 'workflows');
	stageWorkflows(jsonFiles(path.join(ROOT, 'examples')), workflowDir, filesDir);
	for (const args of [
		['import:credentials', `--input=${writeCredentialFile(tmp, sandbox.baseUrl)}`],
		['import:workflow', '--separate', `--input=${workflowDir}`],
	]) {
		const result = await n8nCli(n8n, env, args);
		if (result.code !== 0)
			throw new Error(`n8n ${args[0]} failed:\n${result.stdout}${result.stderr}`.slice(-3000));
	}
	log('starting n8n');
	const server = await startN8n(n8n, env, { logFile: path.join(tmp, 'n8n.log') });
	await ownerSession(server.url, LOGIN);
	return { url: server.url, login: LOGIN };
}

async function main() {
	const t0 = Date.now();
	stopChildrenOnSignals(async () => {
		for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
	});
	if (!fs.existsSync(CHROMIUM))
		throw new Error(
			`${CHROMIUM} not found: run scripts/install-chromium.sh (apt-get install chromium)`,
		);
	const { url, login } = process.env.SYSEVO_UI_URL
		? { url: process.env.SYSEVO_UI_URL.replace(/\/$/, ''), login: DEV_LOGIN }
		: await startInstance();
	log(`n8n ready at ${url} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

	fs.rmSync(SHOTS, { recursive: true, force: true });
	fs.mkdirSync(SHOTS, { recursive: true });
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sysevo-ui-chromium-'));
	cleanup.push(profile);
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1440, height: 900 },
		deviceScaleFactor: 1,
	});
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(30_000);
	const shot = async (name) => await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

	try {
		const loggedIn = await step('log in to the n8n editor', async () => {
			await page.goto(`${url}/signin`);
			await page.fill('#emailOrLdapLoginId', login.email);
			await page.fill('#password', login.password);
			await shot('01-signin');
			await page.click('[data-test-id="form-submit-button"]');
			await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });
			return new URL(page.url()).pathname;
		});
		if (!loggedIn) return;

		const opened = await step(`open the example workflow ${WORKFLOW_ID}`, async () => {
			await page.goto(`${url}/workflow/${WORKFLOW_ID}`);
			await page.waitForSelector(`[data-test-id="canvas-node"][data-node-name="${NODE_NAME}"]`, {
				timeout: 60_000,
			});
			const type = await page.getAttribute(
				`[data-test-id="canvas-node"][data-node-name="${NODE_NAME}"]`,
				'data-node-type',
			);
			if (type !== 'n8n-nodes-sysevo.sysevo') throw new Error(`node type on the canvas: ${type}`);
			// A node n8n cannot load is drawn as "?" with an "install this node" hint.
			const unknown = await page
				.locator('text=/not currently installed|Install this node/i')
				.count();
			if (unknown > 0)
				throw new Error(
					'the canvas says the Sysevo node is not installed: the package did not load',
				);
			await page.waitForTimeout(1000);
			await shot('02-workflow');
			return type;
		});
		if (!opened) return;

		const ndvOpen = await step(`open the Sysevo node "${NODE_NAME}"`, async () => {
			await page.dblclick(`[data-test-id="canvas-node"][data-node-name="${NODE_NAME}"]`);
			await page.waitForSelector(
				'[data-test-id="ndv"] [data-test-id="parameter-input-agentIdType"]',
			);
			await page.waitForSelector('[data-test-id="resource-locator-agent"]');
			await shot('03-node');
		});
		if (!ndvOpen) return;

		await step('the Agent list shows the sandbox agents', async () => {
			await page.click('[data-test-id="resource-locator-agent"] [data-test-id="rlc-input"]');
			const item = page.getByText('Renewal reminder', { exact: true }).last();
			await item.waitFor({ state: 'visible' });
			await page.getByText('Lead qualifier', { exact: true }).last().waitFor({ state: 'visible' });
			await page.waitForTimeout(500);
			await shot('04-agent-list');
			const names = await page
				.locator(
					'[data-test-id="resource-locator-dropdown"] [data-test-id^="rlc-item"], [data-test-id="rlc-item"]',
				)
				.allInnerTexts()
				.catch(() => []);
			await page.keyboard.press('Escape');
			return names.length
				? names.map((n) => n.split('\n')[0]).join(', ')
				: 'Renewal reminder, Lead qualifier';
		});

		await step(
			'"Identify Agent By: API Trigger UUID" shows the "API Trigger UUID" field',
			async () => {
				if ((await page.locator('[data-test-id="parameter-input-triggerUuid"]').count()) > 0) {
					throw new Error('the API Trigger UUID field is visible before switching');
				}
				await page.click('[data-test-id="parameter-input-agentIdType"]');
				await page
					.locator('.el-select-dropdown__item:visible', { hasText: 'API Trigger UUID' })
					.first()
					.click();
				await page.waitForSelector('[data-test-id="parameter-input-triggerUuid"]');
				const label = page.locator('[data-test-id="parameter-item"]', {
					has: page.locator('[data-test-id="parameter-input-triggerUuid"]'),
				});
				const text = await label.innerText();
				if (!text.includes('API Trigger UUID')) throw new Error(`field label: ${text}`);
				if ((await page.locator('[data-test-id="resource-locator-agent"]').count()) > 0) {
					throw new Error('the Agent list is still shown after switching to API Trigger UUID');
				}
				await page.waitForTimeout(300);
				await shot('05-trigger-uuid');
				return text.split('\n')[0];
			},
		);
	} finally {
		await context.close();
	}
	log(
		`screenshots in ${path.relative(ROOT, SHOTS)}/; total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
	);
}

let crashed = false;
try {
	await main();
} catch (error) {
	crashed = true;
	console.error(error?.stack ?? error);
} finally {
	await stopAll();
	for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
}
const passed = results.filter(Boolean).length;
const failed = results.length - passed + (crashed ? 1 : 0);
console.log(`ui: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
