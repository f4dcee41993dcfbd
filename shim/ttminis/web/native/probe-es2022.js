// Loaded by the device probe: parses only where the engine knows ES2022 (class static blocks, #private).
"use strict";
class Probe {
  static ready;
  #secret = 41;
  static {
    Probe.ready = true;
  }
  answer() {
    return this.#secret + 1;
  }
}
module.exports = { works: function () { return Probe.ready && new Probe().answer() === 42; } };
