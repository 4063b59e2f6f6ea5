// `npm test`: the fast project of jest.config.js.
module.exports = require('./project')('fast');
