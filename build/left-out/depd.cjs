'use strict'
// Express, its router and http-errors each make a depd logger at load, which reads a stack trace with
// line numbers, and so has V8 work out the line ends of the whole bundle (~10 M instructions of every
// start); the deprecations they would warn of are of calls keyemu never makes (res.redirect forms,
// Promise-like handlers, non-error statuses for errors).
module.exports = (namespace) => {
  const deprecate = () => undefined
  deprecate._namespace = namespace
  deprecate.function = (fn) => fn
  deprecate.property = () => undefined
  return deprecate
}
