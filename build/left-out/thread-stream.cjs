'use strict'
// pino requires thread-stream (and so node:worker_threads) at load for its transports; keyemu logs to
// stdout through pino's own destination and uses no transport.
module.exports = require('./left-out.cjs')('thread-stream')
