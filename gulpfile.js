// `n8n-node build` compiles with tsc; this step inlines runtime libraries (libphonenumber-js) into
// each node file, so the published package has no runtime dependencies. Bundling from the
// TypeScript sources lets esbuild take the libraries' ES module entries and drop unused code.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { series } = require('gulp');

const pkg = require('./package.json');

const nodeEntries = pkg.n8n.nodes.map((built) => ({
	source: built.replace(/^dist\//, '').replace(/\.js$/, '.ts'),
	outfile: built,
}));

async function bundleNodes() {
	for (const { source, outfile } of nodeEntries) {
		await esbuild.build({
			entryPoints: [source],
			outfile,
			bundle: true,
			platform: 'node',
			format: 'cjs',
			target: 'node20',
			external: ['n8n-workflow'],
			legalComments: 'eof',
			logLevel: 'warning',
			allowOverwrite: true,
		});
		fs.rmSync(`${outfile}.map`, { force: true });
	}
}

// Everything under dist/nodes that a bundle now contains is dead weight that would still import
// the libraries it was bundled from; tsc's incremental build info is never needed in a package.
function pruneInlinedModules(done) {
	const keep = new Set(nodeEntries.map(({ outfile }) => path.resolve(outfile)));
	const prune = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				prune(full);
				if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
			} else if (/\.(js|d\.ts|js\.map)$/.test(entry.name) && !keep.has(full)) {
				fs.rmSync(full);
			}
		}
	};
	prune(path.resolve('dist/nodes'));
	fs.rmSync('dist/tsconfig.tsbuildinfo', { force: true });
	done();
}

// The time-zone table is generated from libphonenumber's map (Apache-2.0): its notice ships with
// the package.
function copyThirdPartyNotices(done) {
	const notice = fs.readFileSync('data/libphonenumber/README.md', 'utf8');
	const license = fs.readFileSync('data/libphonenumber/LICENSE', 'utf8');
	fs.writeFileSync(
		'dist/THIRD_PARTY_NOTICES.md',
		`# Third-party notices\n\n${notice.replace(/^# /, '## ')}\n\`\`\`\n${license}\`\`\`\n`,
	);
	done();
}

exports.bundle = series(bundleNodes, pruneInlinedModules, copyThirdPartyNotices);
