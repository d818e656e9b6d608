'use strict'
// Express requires qs (and its side-channel family, ~90 kB) for the "extended" query parser; keyemu
// turns query parsing off and reads the URL itself.
const leftOut = require('./left-out.cjs')('qs')
module.exports = { parse: leftOut, stringify: leftOut }
