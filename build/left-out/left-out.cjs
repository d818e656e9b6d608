'use strict'
// A function that stands in for what a left-out module would have done, and says so if ever called.
module.exports = (name) =>
  function leftOut() {
    throw new Error(`${name} is left out of the keyemu CLI bundle`)
  }
