// `npm run test:slow`: the slow project of jest.config.js.
module.exports = require('./project')('slow');
