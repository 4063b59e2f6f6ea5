// Reads the repository's own files for tests about the package's metadata and CI setup.
const fs = require('node:fs');
const path = require('node:path');

// `yaml` comes with n8n-core (a pinned devDependency).
const { parseDocument } = require('yaml');

const root = path.resolve(__dirname, '../..');

function readPackageJson() {
	return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
}

/** A workflow under .github/workflows, parsed; throws on any YAML error. */
function readWorkflow(name) {
	const document = parseDocument(
		fs.readFileSync(path.join(root, '.github/workflows', name), 'utf8'),
	);
	if (document.errors.length > 0)
		throw new Error(`${name}: ${document.errors.map((error) => error.message).join('; ')}`);
	return document.toJS();
}

module.exports = { readPackageJson, readWorkflow };
