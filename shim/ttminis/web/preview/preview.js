/*
 * The native preview's page: shows the simulator's frames as they change, sends clicks and drags as
 * TikTok touches (in order, one request at a time), and drives the fake SDK from the dev panel.
 * Talks only to its own server (ttminis/simulator/preview.py). No eval, no inline code.
 */
(function () {
  "use strict";
  var canvas = document.getElementById("screen");
  var ctx = canvas.getContext("2d");
  var ratio = window.devicePixelRatio || 1;
  canvas.width = 390 * ratio;
  canvas.height = 844 * ratio;
  var shown = 0;
  var since = performance.now();

  function post(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (answer) { if (answer.error) console.warn("[preview] " + answer.error); return answer; });
  }

  // Frames: fetch the next one when the last is drawn (the simulator encodes one at a time).
  function nextFrame() {
    fetch("/frame", { cache: "no-store" }).then(function (r) {
      return r.status === 200 ? r.blob().then(createImageBitmap) : null;
    }).then(function (image) {
      if (image) {
        ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
        image.close();
        shown += 1;
      }
      setTimeout(nextFrame, image ? 15 : 200);
    }, function () { setTimeout(nextFrame, 1000); });
  }

  // Touches: CSS pixels of the 390 x 844 screen, sent in order; moves coalesce while one is on its way.
  var queue = Promise.resolve();
  var down = false;
  var pendingMove = null;
  function send(type, e) {
    var box = canvas.getBoundingClientRect();
    var point = { type: type, x: (e.clientX - box.left) * 390 / box.width, y: (e.clientY - box.top) * 844 / box.height };
    if (type === "move") {
      if (pendingMove) { pendingMove.x = point.x; pendingMove.y = point.y; return; }
      pendingMove = point;
      queue = queue.then(function () { var move = pendingMove; pendingMove = null; return post("/touch", move); });
      return;
    }
    queue = queue.then(function () { return post("/touch", point); });
  }
  canvas.addEventListener("pointerdown", function (e) {
    if (e.button > 0) return;
    down = true;
    canvas.setPointerCapture(e.pointerId);
    e.preventDefault();
    send("start", e);
  });
  canvas.addEventListener("pointermove", function (e) { if (down) send("move", e); });
  canvas.addEventListener("pointerup", function (e) { if (down) { down = false; send("end", e); } });
  canvas.addEventListener("pointercancel", function (e) { if (down) { down = false; send("cancel", e); } });

  // The dev panel.
  document.getElementById("set-beans").addEventListener("click", function () {
    post("/action", { name: "balance", value: Math.max(0, Math.floor(Number(document.getElementById("beans").value) || 0)) });
  });
  document.getElementById("create-order").addEventListener("click", function () {
    var order = { id: document.getElementById("order-id").value.trim(),
                  amount: Math.floor(Number(document.getElementById("order-amount").value) || 0) };
    post("/action", { name: "order", value: order }).then(function (answer) {
      text("order-made", answer && answer.ok ? "made " + order.id + ": await game.pay(" + JSON.stringify(order.id) + ")"
                                             : (answer && answer.error) || "refused");
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-action]"), function (button) {
    button.addEventListener("click", function () {
      post("/action", { name: button.dataset.action, value: button.dataset.value });
    });
  });

  function text(id, value) {
    var node = document.getElementById(id);
    if (node.textContent !== value) node.textContent = value;
  }
  function refresh() {
    fetch("/state", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (state) {
      text("status", "game: " + state.state + (state.progress < 1 ? " (" + Math.round(state.progress * 100) + "%)" : ""));
      text("balance", "wallet: " + state.balance + " Beans");
      text("description", state.description ? state.description.text : "");
      var seconds = (performance.now() - since) / 1000;
      text("rate", "simulator frames: " + state.frames + " · shown here: " + (shown / seconds).toFixed(0) + " per second");
      var problems = state.violations.map(function (v) { return "violation: " + v.kind + ": " + v.detail; })
        .concat(state.uncaught.map(function (e) { return "uncaught (" + e.where + "): " + e.error.split("\n")[0]; }))
        .concat(state.errors.map(function (e) { return e.split("\n")[0]; }))
        .concat(state.console.filter(function (c) { return c.level === "error"; }).map(function (c) { return c.text.split("\n")[0]; }));
      var list = document.getElementById("problems");
      list.textContent = "";
      (problems.length ? problems : ["none"]).forEach(function (p) {
        var item = document.createElement("li");
        item.textContent = p;
        if (!problems.length) item.className = "ok";
        list.appendChild(item);
      });
      text("console", state.console.map(function (c) { return c.level + ": " + c.text; }).join("\n"));
      if (seconds > 5) { shown = 0; since = performance.now(); }
    }).catch(function () {}).then(function () { setTimeout(refresh, 500); });
  }

  nextFrame();
  refresh();
})();
