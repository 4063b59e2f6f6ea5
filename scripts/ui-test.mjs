#!/usr/bin/env node
// `npm run test:ui`: drives the real n8n editor in headless Chromium (the Debian package at
// /usr/bin/chromium through playwright-core; no browser is downloaded). It builds and packs the
// package, starts the sandbox and a fresh pinned n8n with the package installed as a community
// package, logs in and checks what a new user meets:
//   - the node panel finds the package for "Sysevo", "phone call", "voice call" and "call result",
//     on an empty canvas and after an existing node; its entry names what both nodes do, lists
//     one trigger event ("On call ended") and the actions "Trigger call", "Get run", "Get many
//     call runs" and "Validate a phone number";
//   - a Trigger Call added from the panel and filled in from scratch (credential, agent from the
//     list, phone number, a context pair) runs against the sandbox and shows its output row;
//   - in a freshly loaded editor, the Sysevo Trigger added on an empty canvas lists the agents
//     when its agent field is opened after the credential is filled in, with no refresh; its
//     webhook mode shows the payload template and hides the agents;
//   - in the CSV example, the Agent list is loaded from the sandbox and "Identify Agent By: API
//     Trigger UUID" shows the "API Trigger UUID" field.
// Screenshots go to test-results/ui/ (README.md uses some of them, copied to docs/). Ends with
// `ui: N passed, M failed`; exits 1 on any failure.
//
// Options: --n8n <version>  test another provisioned n8n (scripts/provision-n8n.sh), e.g. 1.x.
// The same checks run on both lines; where the 1.x editor's markup differs (sign-in inputs, "Back
// to canvas", search rows without descriptions) the selectors adapt, never the node.
// Environment: CHROMIUM (default /usr/bin/chromium); SYSEVO_UI_SKIP_BUILD=1 uses the current dist/;
// SYSEVO_UI_URL=http://localhost:5678 tests an already running `npm run dev` instead (dev login;
// add --n8n 1.x when that editor is a 1.x).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

import {
	CREDENTIAL,
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
const n8nArg = process.argv.indexOf('--n8n');
if (n8nArg !== -1) {
	const version = process.argv[n8nArg + 1];
	if (!version || version.startsWith('-'))
		throw new Error('--n8n needs a version, e.g. --n8n 2.41.1');
	process.env.SYSEVO_N8N_VERSION = version;
}
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

const PANEL = '[data-test-id="node-creator"]';
const PANEL_ITEM = `${PANEL} [data-test-id="item-iterator-item"]`;
const NDV = '[data-test-id="ndv"]';
const AGENTS = ['Renewal reminder', 'Lead qualifier'];
/** The Sysevo node's operations as the panel names them (their `action` texts). */
const ACTIONS = ['Trigger call', 'Get run', 'Get many call runs', 'Validate a phone number'];

/**
 * The major version of the n8n under test: set from the provisioned n8n, or from --n8n with
 * SYSEVO_UI_URL (default 2). The node has no per-line settings; only the editor's markup differs.
 */
let n8nMajor = Number((process.env.SYSEVO_N8N_VERSION || '2').split('.')[0]);

/** Opens the node panel (from `opener`), types `term` and returns the entries shown. */
async function searchPanel(page, opener, term) {
	await page.locator(opener).first().click();
	await page.locator(`${PANEL} [data-test-id="node-creator-search-bar"]`).fill(term);
	await page.waitForTimeout(600);
	const entries = [];
	for (const item of await page.locator(PANEL_ITEM).all()) {
		const name = await item.locator('[data-test-id="node-creator-item-name"]').first().innerText();
		// Rows without a description (1.x's community nodes) have no such element: count, not wait.
		const text = item.locator('[data-test-id="node-creator-item-description"]');
		const description = (await text.count()) > 0 ? await text.first().innerText() : '';
		entries.push({ name: name.trim(), description: description.trim() });
	}
	return entries;
}

/**
 * The Sysevo entry of a panel search: found once, and described as both nodes. 2.x shows the
 * description in the result row; 1.x shows a community node's row by name only, so there the
 * description is read from the entry's details, which are left open.
 */
async function sysevoEntry(page, entries, term) {
	const found = entries.filter((e) => e.name === 'Sysevo');
	if (found.length !== 1)
		throw new Error(
			`"${term}": ${found.length} Sysevo entries in ${JSON.stringify(entries.map((e) => e.name))}`,
		);
	let description = found[0].description;
	if (!description && n8nMajor < 2) {
		await page.locator(PANEL_ITEM, { hasText: 'Sysevo' }).first().click();
		description = (
			await page.locator(`${PANEL} span[class*="_description_"]`).first().innerText()
		).trim();
	}
	if (!/place ai phone calls/i.test(description) || !/call ends/i.test(description))
		throw new Error(`"${term}": the entry does not name both nodes: "${description}"`);
	return { ...found[0], description };
}

/** Opens the Sysevo entry's details (unless open) and returns its triggers and actions. */
async function sysevoDetails(page) {
	const category = page.locator(`${PANEL} [data-test-id="node-creator-category-item"]`);
	if (!(await category.first().isVisible()))
		await page.locator(PANEL_ITEM, { hasText: 'Sysevo' }).first().click();
	await category.first().waitFor();
	const byCategory = {};
	for (const title of ['Triggers', 'Actions']) {
		const group = page.locator(`${PANEL} [data-category-collapsed]`, {
			has: page.locator('[data-test-id="node-creator-category-item"]', { hasText: title }),
		});
		if ((await group.getAttribute('data-category-collapsed')) === 'true')
			await group.locator('[data-test-id="node-creator-category-item"]').click();
		const header = await group.locator('[data-test-id="node-creator-category-item"]').innerText();
		byCategory[title] = { header: header.trim() };
	}
	const items = await page
		.locator(`${PANEL} [data-keyboard-nav-type="action"] [data-test-id="node-creator-item-name"]`)
		.allInnerTexts();
	return { ...byCategory, items: items.map((t) => t.trim()) };
}

async function closeNdv(page) {
	// 2.x: a close button in the dialog; 1.x: "Back to canvas" above it.
	await page
		.locator('[data-test-id="ndv-close-button"], [data-test-id="back-to-canvas"]')
		.first()
		.click();
	await page.locator(NDV).waitFor({ state: 'hidden' });
}

/** The trigger's Agents rows (version 2): a resource locator per row. */
const TRIGGER_AGENTS = `${NDV} [data-test-id="fixed-collection-agents"]`;

/**
 * Opens the first row's agent list and returns the agent names it shows. Never presses refresh:
 * the list has to load by itself.
 */
async function triggerAgentNames(page) {
	await page.locator(`${TRIGGER_AGENTS} [data-test-id="rlc-input"]`).first().click();
	const items = page.locator('[data-test-id="rlc-item"]:visible');
	await items.first().waitFor({ timeout: 15_000 });
	return (await items.allInnerTexts()).map((t) => t.split('\n')[0].trim());
}

/** Makes sure the open node uses the sandbox credential (n8n fills in the only one itself). */
async function chooseCredential(page) {
	const credential = page.locator(`${NDV} [data-test-id="node-credentials-select"]`);
	await credential.waitFor();
	const shown = [
		await credential.innerText().catch(() => ''),
		await credential
			.locator('input')
			.inputValue()
			.catch(() => ''),
	];
	if (shown.some((text) => text.includes(CREDENTIAL.name))) return 'filled in by n8n';
	await credential.click();
	await page
		.locator('.el-select-dropdown__item:visible', { hasText: CREDENTIAL.name })
		.first()
		.click();
	return 'chosen';
}

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
	n8nMajor = Number(n8n.N8N_VERSION.split('.')[0]);
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
	log(`n8n ${n8nMajor}.x ready at ${url} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

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
	// Leaving an unsaved workflow asks before unloading; the test leaves them on purpose.
	page.on('dialog', (dialog) => void dialog.accept());
	const shot = async (name) => await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

	try {
		const loggedIn = await step('log in to the n8n editor', async () => {
			await page.goto(`${url}/signin`);
			// 2.x gives the inputs these ids; 1.x only the names.
			await page
				.locator('#emailOrLdapLoginId, input[name="emailOrLdapLoginId"]')
				.first()
				.fill(login.email);
			await page.locator('#password, input[name="password"]').first().fill(login.password);
			await shot('01-signin');
			await page.click('[data-test-id="form-submit-button"]');
			await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });
			return new URL(page.url()).pathname;
		});
		if (!loggedIn) return;

		const canvasAdd = '[data-test-id="canvas-add-button"]';
		const plusAfterNode = '[data-test-id="canvas-handle-plus"]';

		await step('the node panel finds Sysevo on an empty canvas', async () => {
			await page.goto(`${url}/workflow/new`);
			await page.locator(canvasAdd).waitFor({ timeout: 60_000 });
			const found = [];
			for (const term of ['Sysevo', 'phone call', 'voice call', 'call result']) {
				await sysevoEntry(page, await searchPanel(page, canvasAdd, term), term);
				found.push(term);
				if (term === 'Sysevo') await shot('06-search-empty-canvas');
				await page.keyboard.press('Escape');
			}
			return `found for ${found.map((t) => `"${t}"`).join(', ')}`;
		});

		await step('the Sysevo entry lists one trigger event and the four actions', async () => {
			await searchPanel(page, canvasAdd, 'Sysevo');
			const details = await sysevoDetails(page);
			await shot('07-panel-details');
			if (details.Triggers.header !== 'Triggers (1)')
				throw new Error(`triggers: ${details.Triggers.header}`);
			if (details.Actions.header !== `Actions (${ACTIONS.length})`)
				throw new Error(`actions: ${details.Actions.header}`);
			const expected = ['On call ended', ...ACTIONS].sort();
			if (JSON.stringify([...details.items].sort()) !== JSON.stringify(expected))
				throw new Error(`entries ${JSON.stringify(details.items)}, expected ${expected}`);
			await page.keyboard.press('Escape');
			return details.items.join(', ');
		});

		const added = await step(
			'add a Manual Trigger, then Trigger call from the panel after it',
			async () => {
				await page.locator(canvasAdd).first().click();
				await page.locator(`${PANEL} [data-test-id="node-creator-search-bar"]`).fill('manual');
				await page.waitForTimeout(500);
				await page.keyboard.press('Enter');
				await page.waitForTimeout(800);
				if (await page.locator(NDV).isVisible()) await closeNdv(page);
				const entries = await searchPanel(page, plusAfterNode, 'Sysevo');
				await sysevoEntry(page, entries, 'Sysevo (after a node)');
				await shot('08-search-after-node');
				await sysevoDetails(page);
				await page.locator(PANEL).getByText('Trigger call', { exact: true }).click();
				await page.locator(`${NDV} [data-test-id="parameter-input-phoneNumber"]`).waitFor();
				const title = await page
					.locator(`${NDV} [data-test-id="node-title-container"]`)
					.innerText();
				return `node "${title.trim()}"`;
			},
		);

		const filled =
			added &&
			(await step('fill in a Trigger Call from scratch', async () => {
				await chooseCredential(page);
				await page.click(
					`${NDV} [data-test-id="resource-locator-agent"] [data-test-id="rlc-input"]`,
				);
				await page.getByText(AGENTS[0], { exact: true }).last().click();
				await page.fill(
					`${NDV} [data-test-id="parameter-input-phoneNumber"] input, ${NDV} [data-test-id="parameter-input-phoneNumber"] textarea`,
					'+14155552671',
				);
				await page
					.locator(
						`${NDV} [data-test-id="fixed-collection-initialContext"] [data-test-id="fixed-collection-add"]`,
					)
					.click();
				const pair = `${NDV} [data-test-id="fixed-collection-initialContext"]`;
				await page
					.locator(`${pair} [data-test-id="parameter-input-key"] input`)
					.fill('customer_name');
				await page.locator(`${pair} [data-test-id="parameter-input-value"] input`).fill('Jane');
				await page
					.locator(`${NDV} [data-test-id="node-parameters"]`)
					.click({ position: { x: 5, y: 5 } });
				await page.waitForTimeout(500);
				await shot('09-trigger-call-filled');
				return `agent ${AGENTS[0]}, +14155552671, customer_name=Jane`;
			}));

		if (filled)
			await step('execute it against the sandbox and read the output row', async () => {
				await page.locator(`${NDV} [data-test-id="node-execute-button"]`).first().click();
				const output = page.locator(`${NDV} [data-test-id="output-panel"]`);
				await output.getByText('workflow_run_id').first().waitFor({ timeout: 60_000 });
				await page.waitForTimeout(500);
				await shot('10-trigger-call-output');
				const headers = (await output.locator('table th').allInnerTexts()).map((t) => t.trim());
				const row = (
					await output.locator('table tbody tr').first().locator('td').allInnerTexts()
				).map((t) => t.trim());
				const id = row[headers.indexOf('workflow_run_id')];
				if (!/^\d+$/.test(id ?? ''))
					throw new Error(
						`output row: ${JSON.stringify(Object.fromEntries(headers.map((h, i) => [h, row[i]])))}`,
					);
				await closeNdv(page);
				return `status ${row[headers.indexOf('status')]}, workflow_run_id ${id}`;
			});

		const triggerAdded = await step(
			'in a freshly loaded editor, add the Sysevo Trigger on an empty canvas',
			async () => {
				if (await page.locator(NDV).isVisible()) await closeNdv(page);
				// A full page load: the editor starts with nothing cached (node types, credentials).
				await page.goto(`${url}/workflow/new`);
				await page.locator(canvasAdd).waitFor({ timeout: 60_000 });
				await searchPanel(page, canvasAdd, 'Sysevo');
				await sysevoDetails(page);
				await page.locator(PANEL).getByText('On call ended', { exact: true }).click();
				await page.locator(`${TRIGGER_AGENTS} [data-test-id="rlc-input"]`).first().waitFor();
				return 'Sysevo Trigger open';
			},
		);

		if (triggerAdded)
			await step(
				"the trigger's agent list shows the agents once the credential is in, without refresh",
				async () => {
					const credential = await chooseCredential(page);
					const names = await triggerAgentNames(page);
					await shot('11-trigger-agents');
					for (const agent of AGENTS)
						if (!names.includes(agent)) throw new Error(`agent list: ${JSON.stringify(names)}`);
					await page.getByText(AGENTS[0], { exact: true }).last().click();
					const chosen = await page
						.locator(`${TRIGGER_AGENTS} [data-test-id="rlc-input"]`)
						.first()
						.inputValue();
					if (chosen !== AGENTS[0]) throw new Error(`chosen agent shows as "${chosen}"`);
					return `credential ${credential}; ${names.join(', ')}`;
				},
			);

		if (triggerAdded)
			await step('webhook mode shows the URL above and the payload template', async () => {
				const mode = page.locator(`${NDV} [data-test-id="parameter-input-mode"]`).last();
				// n8n moves a parameter that the credentials' `show` conditions fully cover into the
				// credential section, out of sight; then the mode cannot be switched at all.
				await mode.waitFor({ timeout: 10_000 }).catch(() => {
					throw new Error('no "Receive Results By" selector in the Sysevo Trigger');
				});
				await mode.click();
				await page
					.locator('.el-select-dropdown__item:visible', { hasText: 'Webhook' })
					.first()
					.click();
				const template = page.locator(`${NDV} [data-test-id="parameter-input-payloadTemplate"]`);
				await template.waitFor();
				const text = await template.innerText();
				if (!text.includes('"workflow_run_id": "{{workflow_run_id}}"'))
					throw new Error(`payload template: ${text.slice(0, 200)}`);
				const notice = await page
					.locator(`${NDV} [data-test-id="parameter-item"]`, { hasText: 'Production URL' })
					.first()
					.innerText();
				if (!/shown above/.test(notice)) throw new Error(`notice: ${notice}`);
				if ((await page.locator(TRIGGER_AGENTS).count()) > 0)
					throw new Error('the polling agent list is still shown in webhook mode');
				await page.waitForTimeout(300);
				await shot('12-trigger-webhook');
				await closeNdv(page);
				return 'notice and template shown';
			});

		for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
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
			const node = `[data-test-id="canvas-node"][data-node-name="${NODE_NAME}"]`;
			// A toast or the previous page's panel can still cover the canvas for a moment.
			await page.dblclick(node, { timeout: 10_000 }).catch(async () => {
				await page.keyboard.press('Escape');
				await page.dblclick(node);
			});
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
