/*
 * A faithful fake of TikTok's mini-game SDK (TTMinis.game) for previews and tests. No eval.
 *
 * Installs `globalThis.TTMinis` unless a real one is already there (so a --dev build inside
 * TikTok uses the real SDK), and exposes one control object, `globalThis.TTMinisFake`:
 *
 *   wallet                { balance, tiers: {tier_id: beans}, orders: {id: {amount, status}} }
 *   backend.createOrder(amount[, id])  -> trade_order_id   (stands in for your game server)
 *   backend.order(id)     -> {amount, status: "created" | "paid"} or null (ttminis.game_server.StandInServer)
 *   script(method, behaviour)         the NEXT call of `method` behaves so (queue, one-shot)
 *   setDefault(method, behaviour)     every call of `method` behaves so until reset()
 *     behaviour: { outcome: "default" | "success" | "fail" | "throw" | "never" | "twice"
 *                           | "success_then_fail" | "fail_then_success",
 *                  // "default", "twice" and "success_then_fail" apply the wallet's rules (once);
 *                  // "success" answers `payload` without touching the wallet
 *                  payload, error, raw,   // success payload / fail's error object / whole fail arg
 *                  sync: bool,            // answer inside the call instead of a microtask later
 *                  delay: ms,             // answer after a timer (function, never a string)
 *                  thenable: "resolve" | "reject" | "broken",  // also return a promise (or a
 *                                         // thenable whose `then` throws)
 *                  answers: [{kind: "success" | "fail" | "complete", args: [...], later: bool}],
 *                                         // exactly these callback calls, with these arguments, in
 *                                         // order: `later` ones after a timer (`delay`, at least 1 ms)
 *                  throws: bool }         // then the call throws `message` all the same: what the rest
 *                                         // says still answers (the sheet opened, then the bridge threw);
 *                                         // outcome "throw" throws and never answers
 *   latency               ms for every answer (0: queueMicrotask)
 *   calls                 records: {method, keys, types, plain, json, options, answers: [{kind, payload}],
 *                         thrown: [what the game's callbacks threw into the SDK — always empty for ttminis]}
 *   callsOf(method), lastCall(method), clearCalls()
 *   trigger(event, payload)  fire onShow/onHide/... listeners;  listenerCount(event)
 *   ads.next              "watch" | "skip" | "error" | "never": how the next shown ad ends — one-shot,
 *                         like script(): the ad after it ends as ads.default ("watch" unless set)
 *   unsupported           Set of method names canIUse() denies and that are removed
 *   install({legacy}), uninstall(), reset()
 *                         while installed, `globalThis.ttminisStandInOrders` is `backend`: the one thing a
 *                         game may see of the fake (ttminis.game_server.StandInServer orders there; the
 *                         simulator keeps the rest of TTMinisFake out of the game's realm)
 *   installed             true while the fake is the global TTMinis. The fake steps aside for
 *                         TikTok's own SDK: it installs itself only where no other TTMinis is,
 *                         and install() leaves a TTMinis that is not the fake's alone.
 *   useOrderBook(url[, player])  keep the orders at the fake TikTok server at `url`
 *                         (ttminis.server.FakeTikTokServer; null: in memory): login answers a code
 *                         it issued for `player`, pay pays there and so makes it deliver the signed
 *                         webhook to your backend. A `data-order-book` attribute on this script's
 *                         tag does the same at load (--dev builds with --fake-tiktok-url).
 *   allowRequests(origin) let `request` reach that origin over real HTTP (fetch), as TikTok's
 *                         declared domains do; it answers {data, statusCode, header}
 *                         (both are configuration: reset() keeps them)
 *   extend(add)           a host adds its own APIs: add(game, fake) runs on every TTMinis.game built
 *                         (the native simulator's createCanvas, getFileSystemManager, ...)
 *
 * Error codes: TikTok's documented ones where they exist (20011002 order does not exist,
 * 20001003 tier id invalid, 40001000 invalid parameters, 50001000 internal error); the fake's own
 * invented ones are in the 9xxxxxxx range and say "(fake)" in their message.
 */
(function () {
  "use strict";

  var CODES = {
    INTERNAL: 50001000,
    INVALID_PARAMS: 40001000,
    ORDER_NOT_FOUND: 20011002,
    TIER_INVALID: 20001003,
    DUPLICATE_ORDER_ID: 20021002,
    ORDER_ALREADY_PAID: 90000001,      // invented by the fake
    INSUFFICIENT_BEANS: 90000002,      // invented by the fake
    AD_FAILED: 90000003,               // invented by the fake
    AD_ALREADY_SHOWN: 90000004,        // invented by the fake
    STORAGE_KEY_MISSING: 90000005      // invented by the fake
  };
  var EVENTS = ["Show", "Hide", "TouchStart", "TouchMove", "TouchEnd", "TouchCancel",
                "KeyDown", "KeyUp", "Error"];

  function err(code, msg, extra) {
    return { error: { error_code: code, error_msg: msg, error_extra: extra || {} } };
  }

  function isPlainDeep(value) {
    if (value === null || typeof value !== "object") return true;
    if (Array.isArray(value)) return value.every(isPlainDeep);
    var proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.keys(value).every(function (k) { return isPlainDeep(value[k]); });
  }

  function snapshot(value) {
    try { return { json: true, data: JSON.parse(JSON.stringify(value === undefined ? null : value)) }; }
    catch (e) { return { json: false, data: null }; }
  }

  var fake = {
    CODES: CODES,
    latency: 0,
    calls: [],
    wallet: null,
    storage: new Map(),
    listeners: {},
    unsupported: new Set(),
    ads: null,
    visits: [],
    progress: [],
    initOptions: null,
    logins: 0,
    shortcut: { added: false, rewardClaimed: false },
    entrance: { started: false, rewardClaimed: false },
    _scripts: {},
    _defaults: {},
    _orderSeq: 0,
    orderBook: null,
    player: "fake-player-1",
    requestOrigins: new Set()
  };

  var AD_ENDINGS = ["watch", "skip", "error", "never"];
  function adEnding(field, ending) {
    if (AD_ENDINGS.indexOf(ending) < 0) {
      throw new Error(field + " must be one of " + AD_ENDINGS.join(", ") + ", got " + JSON.stringify(ending));
    }
    return ending;
  }

  // ads.next: how the next shown ad ends, one-shot like script(); then ads.default.
  function makeAds() {
    var next = null;
    var fallback = "watch";
    var ads = { created: [] };
    Object.defineProperty(ads, "next", { enumerable: true,
      get: function () { return next === null ? fallback : next; },
      set: function (ending) { next = adEnding("ads.next", ending); } });
    Object.defineProperty(ads, "default", { enumerable: true,
      get: function () { return fallback; },
      set: function (ending) { fallback = adEnding("ads.default", ending); } });
    ads.take = function () { var ending = ads.next; next = null; return ending; };
    return ads;
  }

  fake.reset = function () {
    fake.latency = 0;
    fake.calls = [];
    fake.wallet = { balance: 100, tiers: { "tier-1": 60, "tier-2": 300, "tier-3": 980 }, orders: {} };
    fake.storage = new Map();
    EVENTS.forEach(function (e) { fake.listeners[e] = []; });
    fake.unsupported = new Set();
    fake.ads = makeAds();
    fake.visits = [];
    fake.progress = [];
    fake.initOptions = null;
    fake.logins = 0;
    fake.shortcut = { added: false, rewardClaimed: false };
    fake.entrance = { started: false, rewardClaimed: false };
    fake._scripts = {};
    fake._defaults = {};
    if (fake.installed) fake.install();
  };

  fake.useOrderBook = function (url, player) {
    fake.orderBook = url ? String(url).replace(/\/+$/, "") : null;
    if (player) fake.player = player;
  };
  fake.allowRequests = function (origin) { fake.requestOrigins.add(String(origin).replace(/\/+$/, "")); };

  // The order book at a fake TikTok server: answers come back as promises of {ok, payload|fail}.
  function orderBookCall(path, body) {
    return fetch(fake.orderBook + path, { method: "POST", headers: { "Content-Type": "application/json" },
                                          body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .catch(function (e) { return { ok: false, error: err(CODES.INTERNAL, "the fake order book did not answer: " + e + " (fake)").error }; });
  }

  function remotePay(tradeOrderId) {
    return orderBookCall("/fake/pay", { trade_order_id: tradeOrderId, balance: fake.wallet.balance }).then(function (answer) {
      if (!answer.ok) return { ok: false, fail: { error: answer.error } };
      fake.wallet.balance -= answer.amount;
      fake.wallet.orders[tradeOrderId] = { amount: answer.amount, status: "paid" };
      return ok(undefined);
    });
  }

  function remoteLogin() {
    return orderBookCall("/fake/login", { open_id: fake.player }).then(function (answer) {
      if (!answer.code) return { ok: false, fail: { error: answer.error } };
      return ok({ code: answer.code, isLogin: true });
    });
  }

  // TikTok's request (WeChat's shape) over fetch: success for any HTTP status, fail if unanswered.
  function realRequest(o) {
    var method = String(o.method || "GET").toUpperCase();
    var headers = Object.assign({}, o.header || {});
    var body;
    if (o.data !== undefined && o.data !== null && method !== "GET") {
      body = typeof o.data === "string" ? o.data : JSON.stringify(o.data);
    }
    return fetch(o.url, { method: method, headers: headers, body: body }).then(function (r) {
      return r.text().then(function (text) {
        var data = text;
        if (o.dataType !== "text") { try { data = JSON.parse(text); } catch (e) { data = text; } }
        var header = {};
        r.headers.forEach(function (value, key) { header[key] = value; });
        return ok({ data: data, statusCode: r.status, header: header });
      });
    }, function (e) { return fail(CODES.INTERNAL, "request:fail " + e); });
  }

  function requestAllowed(url) {
    var allowed = false;
    fake.requestOrigins.forEach(function (origin) {
      if (url === origin || String(url).indexOf(origin + "/") === 0) allowed = true;
    });
    return allowed;
  }

  fake.backend = {
    createOrder: function (amount, id) {
      if (fake.orderBook) throw new Error("createOrder: the orders live at the fake TikTok server " + fake.orderBook + "; create them through your backend");
      if (!Number.isInteger(amount) || amount < 1) throw new Error("createOrder: amount must be a positive integer");
      fake._orderSeq += 1;
      var orderId = id || ("fake-order-" + fake._orderSeq);
      if (fake.wallet.orders[orderId]) throw new Error("createOrder: duplicate order id " + orderId);
      fake.wallet.orders[orderId] = { amount: amount, status: "created" };
      return orderId;
    },
    order: function (id) {
      var order = fake.wallet.orders[id];
      return order ? { amount: order.amount, status: order.status } : null;
    }
  };

  fake.script = function (method, behaviour) {
    (fake._scripts[method] = fake._scripts[method] || []).push(behaviour || {});
  };
  fake.setDefault = function (method, behaviour) { fake._defaults[method] = behaviour; };
  fake.callsOf = function (method) { return fake.calls.filter(function (c) { return c.method === method; }); };
  fake.lastCall = function (method) { var c = fake.callsOf(method); return c[c.length - 1] || null; };
  fake.clearCalls = function () { fake.calls = []; };
  fake.listenerCount = function (event) { return (fake.listeners[event] || []).length; };
  fake.trigger = function (event, payload) {
    (fake.listeners[event] || []).slice().forEach(function (fn) { fn(payload); });
  };

  function record(method, options) {
    var rec = { method: method, keys: [], types: {}, plain: false, json: false, options: null, answers: [], thrown: [] };
    if (options !== null && typeof options === "object") {
      rec.keys = Object.keys(options);
      rec.keys.forEach(function (k) { rec.types[k] = options[k] === null ? "null" : typeof options[k]; });
      rec.plain = isPlainDeep(Object.fromEntries(rec.keys.filter(function (k) {
        return typeof options[k] !== "function"; }).map(function (k) { return [k, options[k]]; })));
      var snap = snapshot(options);
      rec.json = snap.json;
      rec.options = snap.data;
    }
    fake.calls.push(rec);
    return rec;
  }

  function nextBehaviour(method) {
    var queue = fake._scripts[method];
    if (queue && queue.length) return queue.shift();
    return fake._defaults[method] || {};
  }

  // Call one of the game's callbacks as the SDK would; what it throws is recorded, then rethrown.
  function callBack(rec, fn, args) {
    try { return fn.apply(undefined, args); }
    catch (e) { try { rec.thrown.push(String(e)); } catch (_) { rec.thrown.push("?"); } throw e; }
  }

  function thenableFor(behaviour, failArg) {
    if (behaviour.thenable === "resolve") return Promise.resolve(behaviour.payload);
    if (behaviour.thenable === "broken") return { get then() { throw new Error("broken thenable (fake)"); } };
    if (behaviour.thenable === "reject") {
      var p = Promise.reject(Object.prototype.hasOwnProperty.call(behaviour, "raw") ? behaviour.raw : failArg());
      p.catch(function () {});
      return p;
    }
    return undefined;
  }

  // behaviour.answers: exactly the scripted callback calls (any arguments), some inside the call.
  function scriptedAnswers(rec, options, behaviour, failArg) {
    var step = function (s) {
      var args = s.args || [];
      rec.answers.push({ kind: s.kind, payload: snapshot(args[0]).data });
      if (typeof options[s.kind] === "function") callBack(rec, options[s.kind], args);
    };
    var later = behaviour.answers.filter(function (s) { return s.later; });
    behaviour.answers.forEach(function (s) { if (!s.later) step(s); });
    if (later.length) setTimeout(function () { later.forEach(step); }, Math.max(1, behaviour.delay || 0));
    return thenableFor(behaviour, failArg);
  }

  function later(fn, behaviour) {
    var delay = behaviour.delay !== undefined ? behaviour.delay : fake.latency;
    if (behaviour.sync) fn();
    else if (delay > 0) setTimeout(fn, delay);
    else queueMicrotask(fn);
  }

  // An options-style method: `logic(options)` returns {ok, payload} or {ok: false, fail}.
  function optionsMethod(method, logic) {
    return function (options) {
      var rec = record(method, options);
      options = options || {};
      var behaviour = nextBehaviour(method);
      var outcome = behaviour.outcome || "default";
      if (outcome === "throw") throw new Error(behaviour.message || ("fake " + method + " threw"));
      var answer = function (kind, payload) {
        rec.answers.push({ kind: kind, payload: snapshot(payload).data });
        var fn = options[kind];
        if (typeof fn === "function") callBack(rec, fn, [payload]);
        if (typeof options.complete === "function") callBack(rec, options.complete, []);
      };
      var failArg = function () {   // `raw` given, even as undefined, is the whole fail argument
        if (Object.prototype.hasOwnProperty.call(behaviour, "raw")) return behaviour.raw;
        return { error: behaviour.error || { error_code: CODES.INTERNAL, error_msg: "scripted failure (fake)", error_extra: {} } };
      };
      if (behaviour.throws) {      // the answers still come; the call throws (the sheet opened, then the bridge threw)
        behaviour = Object.assign({}, behaviour);
        delete behaviour.thenable;
        answerCall(rec, options, behaviour, outcome, answer, failArg, logic);
        throw new Error(behaviour.message || ("fake " + method + " threw"));
      }
      return answerCall(rec, options, behaviour, outcome, answer, failArg, logic);
    };
  }

  function answerCall(rec, options, behaviour, outcome, answer, failArg, logic) {
    if (behaviour.answers) return scriptedAnswers(rec, options, behaviour, failArg);
    var result = null;
    var run = function () {
      if (outcome === "never") return;
      if (outcome === "fail") return answer("fail", failArg());
      if (outcome === "fail_then_success") { answer("fail", failArg()); return answer("success", behaviour.payload); }
      var real = outcome === "default" || outcome === "twice" || outcome === "success_then_fail";
      result = result || (real ? logic(options) : { ok: true, payload: behaviour.payload });
      if (typeof result.then === "function") {      // an order book or a request over HTTP: later
        return result.then(function (settled) { result = settled; run(); });
      }
      if (!result.ok) return answer("fail", result.fail);
      answer("success", result.payload);
      if (outcome === "twice") answer("success", result.payload);
      if (outcome === "success_then_fail") answer("fail", failArg());
    };
    later(run, behaviour);
    return thenableFor(behaviour, failArg);
  }

  function ok(payload) { return { ok: true, payload: payload }; }
  function fail(code, msg, extra) { return { ok: false, fail: err(code, msg, extra) }; }
  function needString(options, field) {
    return typeof options[field] === "string" && options[field].length > 0;
  }

  var logic = {
    init: function (o) {
      if (!needString(o, "clientKey")) return fail(CODES.INVALID_PARAMS, "init: clientKey is required");
      fake.initOptions = { clientKey: o.clientKey };
      return ok(undefined);
    },
    login: function () {
      fake.logins += 1;
      if (fake.orderBook) return remoteLogin();
      return ok({ code: "fake-login-code-" + fake.logins, isLogin: true });
    },
    authorize: function () { return ok({}); },
    checkBalance: function (o) {
      if (!Number.isInteger(o.amount) || o.amount < 1 || o.type !== "BEANS") return fail(CODES.INVALID_PARAMS, "checkBalance: invalid amount or type");
      return ok({ is_sufficient: fake.wallet.balance >= o.amount });
    },
    recharge: function (o) {
      var beans = fake.wallet.tiers[o.tier_id];
      if (!needString(o, "tier_id") || beans === undefined) return fail(CODES.TIER_INVALID, "tier id invalid");
      fake.wallet.balance += beans;
      return ok(undefined);
    },
    pay: function (o) {
      if (!needString(o, "trade_order_id")) return fail(CODES.INVALID_PARAMS, "pay: trade_order_id is required");
      if (fake.orderBook) return remotePay(o.trade_order_id);
      var order = fake.wallet.orders[o.trade_order_id];
      if (!order) return fail(CODES.ORDER_NOT_FOUND, "order does not exist");
      if (order.status === "paid") return fail(CODES.ORDER_ALREADY_PAID, "order already paid (fake)");
      if (fake.wallet.balance < order.amount) {
        return fail(CODES.INSUFFICIENT_BEANS, "not enough Beans (fake)", { balance: fake.wallet.balance, amount: order.amount });
      }
      fake.wallet.balance -= order.amount;
      order.status = "paid";
      return ok(undefined);
    },
    navigateToBalance: function (o) {
      if (o.type !== "BEANS") return fail(CODES.INVALID_PARAMS, "navigateToBalance: type must be BEANS");
      fake.visits.push({ type: o.type });
      return ok(undefined);
    },
    setLoadingProgress: function (o) {
      if (typeof o.progress !== "number" || o.progress < 0 || o.progress > 1) return fail(CODES.INVALID_PARAMS, "progress must be in 0..1");
      fake.progress.push(o.progress);
      return ok(undefined);
    },
    setStorage: function (o) { fake.storage.set(String(o.key), JSON.stringify(o.data === undefined ? null : o.data)); return ok(undefined); },
    getStorage: function (o) {
      if (!fake.storage.has(String(o.key))) return fail(CODES.STORAGE_KEY_MISSING, "no data for key (fake)", { key: o.key });
      return ok({ data: JSON.parse(fake.storage.get(String(o.key))) });
    },
    removeStorage: function (o) { fake.storage.delete(String(o.key)); return ok(undefined); },
    addShortcut: function () { fake.shortcut.added = true; return ok(undefined); },
    getShortcutMissionReward: function () {
      var canReceive = fake.shortcut.added && !fake.shortcut.rewardClaimed;
      if (canReceive) fake.shortcut.rewardClaimed = true;
      return ok({ canReceiveReward: canReceive });
    },
    startEntranceMission: function () { fake.entrance.started = true; return ok(undefined); },
    getEntranceMissionReward: function () {
      var canReceive = fake.entrance.started && !fake.entrance.rewardClaimed;
      if (canReceive) fake.entrance.rewardClaimed = true;
      return ok({ canReceiveReward: canReceive });
    },
    request: function (o) {
      if (requestAllowed(o.url)) return realRequest(o);
      return fail(CODES.INTERNAL, "the fake has no network: request(" + o.url + ") (fake)");
    }
  };

  function makeAd(kind, options) {
    var rec = record(kind, options);
    rec.answers.push({ kind: "created" });
    var listeners = { Close: [], Error: [], Load: [] };
    var shown = false;
    var ad = { adUnitId: options && options.adUnitId };
    Object.keys(listeners).forEach(function (event) {
      ad["on" + event] = function (fn) { listeners[event].push(fn); };
      ad["off" + event] = function (fn) {
        listeners[event] = fn === undefined ? [] : listeners[event].filter(function (f) { return f !== fn; });
      };
    });
    ad.listenerCount = function (event) { return listeners[event].length; };
    ad.load = function () { return Promise.resolve(); };
    ad.destroy = function () { Object.keys(listeners).forEach(function (e) { listeners[e] = []; }); };
    ad.show = function () {
      if (shown) return Promise.reject(err(CODES.AD_ALREADY_SHOWN, "this ad was already shown; create a new one (fake)"));
      shown = true;
      var ending = fake.ads.take();
      rec.answers.push({ kind: "shown", ending: ending });
      if (ending === "error") {
        var e = { errCode: CODES.AD_FAILED, errMsg: "ad failed to show (fake)" };
        queueMicrotask(function () { listeners.Error.slice().forEach(function (fn) { fn(e); }); });
        return Promise.reject(err(CODES.AD_FAILED, "ad failed to show (fake)"));
      }
      if (ending === "never") return Promise.resolve();   // shown, and never closed
      setTimeout(function () {
        listeners.Close.slice().forEach(function (fn) { fn({ isEnded: ending === "watch" }); });
      }, fake.latency);
      return Promise.resolve();
    };
    fake.ads.created.push(ad);
    return ad;
  }

  function buildGame() {
    var game = {};
    Object.keys(logic).forEach(function (m) { game[m] = optionsMethod(m, logic[m]); });
    EVENTS.forEach(function (event) {
      game["on" + event] = function (fn) { record("on" + event, null); fake.listeners[event].push(fn); };
      game["off" + event] = function (fn) {
        record("off" + event, null);
        fake.listeners[event] = fn === undefined ? [] : fake.listeners[event].filter(function (f) { return f !== fn; });
      };
    });
    game.canIUse = function (schema) {
      var name = String(schema).split(".")[0];
      return typeof game[name] === "function" && !fake.unsupported.has(name);
    };
    game.getStorageSync = function (key) {
      record("getStorageSync", null);
      return fake.storage.has(String(key)) ? JSON.parse(fake.storage.get(String(key))) : "";
    };
    game.setStorageSync = function (key, data) {
      record("setStorageSync", null);
      if (typeof key !== "string" || !key) throw new Error("setStorageSync: key must be a non-empty string");
      fake.storage.set(key, JSON.stringify(data === undefined ? null : data));
    };
    game.removeStorageSync = function (key) { fake.storage.delete(String(key)); };
    game.getSystemInfoSync = function () {
      return { platform: "devtools", screenWidth: 390, screenHeight: 844, pixelRatio: 2, SDKVersion: "fake" };
    };
    game.getLaunchOptionsSync = function () { return { scene: "fake", query: {} }; };
    game.getEnterOptionsSync = function () { return { scene: "fake", query: {} }; };
    game.getMenuButtonBoundingClientRect = function () { return { left: 300, top: 48, width: 80, height: 32, right: 380, bottom: 80 }; };
    game.createRewardedVideoAd = function (o) { return makeAd("createRewardedVideoAd", o); };
    game.createInterstitialAd = function (o) { return makeAd("createInterstitialAd", o); };
    extensions.forEach(function (add) { add(game, fake); });
    fake.unsupported.forEach(function (name) { delete game[name]; });
    return game;
  }

  // The non-game Minis SDK's purchase entry point: TTMinis.pay(callback, options).
  function legacyPay(callback, options) {
    var rec = record("pay", options);
    queueMicrotask(function () {
      var result = logic.pay(options || {});
      var payload = result.ok ? { is_success: true, trade_order_id: options.trade_order_id }
                              : { is_success: false, error: result.fail.error };
      rec.answers.push({ kind: "callback", payload: payload });
      callback(payload);
    });
  }

  var extensions = [];
  fake.extend = function (add) {
    extensions.push(add);
    if (fake.installed && !fake.legacy) add(globalThis.TTMinis.game, fake);
  };

  fake.sdk = null;   // the TTMinis object the fake installed last
  var sdkGame = null;
  Object.defineProperty(fake, "installed", { enumerable: true, get: function () {
    return !!fake.sdk && globalThis.TTMinis === fake.sdk && fake.sdk.game === sdkGame; } });
  fake.install = function (opts) {
    if (globalThis.TTMinis && !fake.installed) return globalThis.TTMinis;   // TikTok's own: step aside
    fake.legacy = !!(opts && opts.legacy);
    sdkGame = fake.legacy ? undefined : buildGame();
    fake.sdk = fake.legacy ? { pay: legacyPay } : { game: sdkGame };
    globalThis.TTMinis = fake.sdk;
    globalThis.ttminisStandInOrders = fake.backend;
    return fake.sdk;
  };
  fake.uninstall = function () {
    if (fake.installed) delete globalThis.TTMinis;
    if (globalThis.ttminisStandInOrders === fake.backend) delete globalThis.ttminisStandInOrders;
    fake.sdk = null;
  };

  fake.reset();
  var tag = typeof document !== "undefined" && document.currentScript;
  if (tag && tag.dataset && tag.dataset.orderBook) fake.useOrderBook(tag.dataset.orderBook);
  globalThis.TTMinisFake = fake;
  if (!globalThis.TTMinis && !globalThis.TTMINIS_FAKE_MANUAL) fake.install();
})();
