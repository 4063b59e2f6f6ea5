// Packs the package as npm would publish it and unpacks it alone next to n8n-workflow,
// the only module n8n provides to community packages.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

function packIsolated() {
	if (!fs.existsSync(path.join(root, 'dist/nodes/Sysevo/Sysevo.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysevo-pack-'));
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
		cwd: root,
		encoding: 'utf8',
	});
	const [{ filename, files }] = JSON.parse(out.slice(out.indexOf('[')));
	execFileSync('tar', ['xzf', path.join(dir, path.basename(filename)), '-C', dir]);
	const modules = path.join(dir, 'node_modules');
	const packageDir = path.join(modules, 'n8n-nodes-sysevo');
	fs.mkdirSync(modules);
	fs.renameSync(path.join(dir, 'package'), packageDir);
	fs.symlinkSync(
		path.join(root, 'node_modules/n8n-workflow'),
		path.join(modules, 'n8n-workflow'),
		'dir',
	);
	return {
		packageDir,
		files: files.map((file) => file.path).sort(),
		requiredModules: requiredModules(packageDir),
	};
}

/** Bare module names that any .js file of the package requires. */
function requiredModules(dir) {
	const names = new Set();
	const walk = (folder) => {
		for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
			const full = path.join(folder, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.name.endsWith('.js')) {
				for (const match of fs
					.readFileSync(full, 'utf8')
					.matchAll(/require\(["']([^"'.][^"']*)["']\)/g))
					names.add(match[1]);
			}
		}
	};
	walk(dir);
	return [...names].sort();
}

module.exports = { root, packIsolated };
