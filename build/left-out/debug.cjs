'use strict'
// Express, its router, finalhandler and send trace their internals through debug (DEBUG=express:*);
// keyemu logs its own requests, and debug's set-up (colours, the terminal, the environment, one
// logger per module) is a few ms of every start. Here every logger is off.
function createDebug(namespace) {
  const debug = () => undefined
  debug.namespace = namespace
  debug.enabled = false
  debug.extend = (suffix, delimiter = ':') => createDebug(`${namespace}${delimiter}${suffix}`)
  return debug
}
createDebug.enable = () => undefined
createDebug.disable = () => ''
createDebug.enabled = () => false
module.exports = createDebug
module.exports.default = createDebug
