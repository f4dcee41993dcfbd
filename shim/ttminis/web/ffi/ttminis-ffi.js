/*
 * ttminis's JavaScript half of an SDK call: finding the method, the client's canIUse, the call itself and its
 * callbacks, in one crossing from Python instead of a dozen (each crossing costs µs on Pyodide and more on
 * Brython). Settling — exactly once, the order lock, timeouts — stays in Python (ttminis/calls.py); this only
 * reports every answer to the dispatcher and never lets anything throw into the SDK.
 *
 * Loaded by the html loader (ttminis-ffi.js, a classic script) and by the native boot (ttminis/ffi.js, via
 * require) as `globalThis.ttminisFFI`:
 *
 *   install(dispatcher, kinds, boxed)   where answers go: dispatcher(callId, kind, payload), the payload
 *                           being the callback's first argument, or with `boxed` all its arguments as a JS
 *                           array, untouched (Brython converts arguments before Python could catch a hostile
 *                           one; Python reads the first); `kinds` numbers each kind of answer:
 *                           {success, fail, resolved, rejected, legacy}
 *   send(callId, method, options)
 *       calls TTMinis.game[method](options) with options.success/fail answering kinds.success/kinds.fail;
 *       for "pay" where TTMinis.game is missing but the non-game SDK's TTMinis.pay(callback, options) exists,
 *       that, answering kinds.legacy. A returned thenable reports kinds.resolved/kinds.rejected too.
 *       Returns 0 when the SDK has the call, else [what, detail]:
 *         ["unavailable", "TTMinis" | "TTMinis.game" | "TTMinis.game.<method>"]   nothing was called
 *         ["unsupported", "TTMinis.game.<method>"]     nothing was called: the client's canIUse denies it
 *         ["lookup_threw", message]     nothing was called: finding the method threw (a getter on the SDK)
 *         ["threw", message]            the SDK's method threw: it had the call and may still answer
 *   supports(game, method)  false only when the client's own canIUse(method) says so; asked once per method
 *                           and per TTMinis.game object (a replaced one is asked again)
 *   forget()                drop the canIUse answers (ttminis.calls.reset)
 *
 * No eval, no Function(), ES5: it runs where the native runtime does.
 */
(function (root) {
  "use strict";
  var dispatcher = null;
  var kinds = null;
  var boxed = false;
  var answers = typeof WeakMap === "function" ? new WeakMap() : null;
  var lastGame = null;
  var lastAnswers = {};

  function answersFor(game) {
    if (answers) {
      var found = answers.get(game);
      if (!found) {
        found = {};
        answers.set(game, found);
      }
      return found;
    }
    if (lastGame !== game) {
      lastGame = game;
      lastAnswers = {};
    }
    return lastAnswers;
  }

  function supports(game, method) {
    if (method === "canIUse") return true;
    var known = answersFor(game);
    if (!Object.prototype.hasOwnProperty.call(known, method)) {
      var yes = true;
      try {
        yes = typeof game.canIUse !== "function" || game.canIUse(method) !== false;
      } catch (e) {
        yes = true;      // a canIUse that throws says nothing: try the method
      }
      known[method] = yes;
    }
    return known[method];
  }

  function answer(callId, kind) {
    return function () {
      try {
        dispatcher(callId, kind, boxed ? Array.prototype.slice.call(arguments) : arguments[0]);
      } catch (e) {
        // Python reports its own errors; nothing may reach the SDK that called back.
      }
    };
  }

  function message(error) {
    try {
      return String(error && error.message !== undefined ? error.message : error);
    } catch (e) {
      return "an unreadable exception";
    }
  }

  function send(callId, method, options) {
    var owner, fn, args;
    try {     // a getter on the SDK that throws fails the call like a throwing method: nothing is sent
      var sdk = root.TTMinis;
      if (sdk === undefined || sdk === null) return ["unavailable", "TTMinis"];
      var game = sdk.game;
      if (game === undefined || game === null) {
        if (method !== "pay" || typeof sdk.pay !== "function") return ["unavailable", "TTMinis.game"];
        owner = sdk;
        fn = sdk.pay;
        args = [answer(callId, kinds.legacy), options];
      } else {
        fn = game[method];
        if (typeof fn !== "function") return ["unavailable", "TTMinis.game." + method];
        if (!supports(game, method)) return ["unsupported", "TTMinis.game." + method];
        owner = game;
        options.success = answer(callId, kinds.success);
        options.fail = answer(callId, kinds.fail);
        args = [options];
      }
    } catch (error) {
      return ["lookup_threw", message(error)];
    }
    var returned;
    try {
      returned = fn.apply(owner, args);
    } catch (error) {
      return ["threw", message(error)];
    }
    try {
      if (returned !== null && (typeof returned === "object" || typeof returned === "function") &&
          typeof returned.then === "function") {
        returned.then(answer(callId, kinds.resolved), answer(callId, kinds.rejected));
      }
    } catch (e) {
      // a thenable whose `then` breaks when used counts as none: the callbacks decide
    }
    return 0;
  }

  var api = {
    install: function (fn, kindsOfAnswers, boxArguments) {
      dispatcher = fn;
      kinds = kindsOfAnswers;
      boxed = !!boxArguments;
    },
    send: send,
    supports: supports,
    forget: function () {
      answers = typeof WeakMap === "function" ? new WeakMap() : null;
      lastGame = null;
      lastAnswers = {};
    }
  };
  root.ttminisFFI = api;
  if (typeof module === "object" && module) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
