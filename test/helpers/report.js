// Prints a measured figure from a test without going through jest's console capture.
function report(line) {
	process.stdout.write(`${line}\n`);
}

module.exports = { report };
