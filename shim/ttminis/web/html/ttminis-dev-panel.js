/*
 * The --dev builds' on-page panel: set the fake wallet's balance, create a stand-in order for
 * `game.pay` to pay, and force the next outcome of a purchase, an ad, or a hide/show, through the
 * fake's control object (TTMinisFake). No eval.
 */
(function () {
  "use strict";
  function el(tag, text, onClick) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (onClick) node.addEventListener("click", onClick);
    return node;
  }
  function build() {
    var fake = globalThis.TTMinisFake;
    if (!fake || !fake.installed) return;  // a real SDK is present: no panel
    var panel = el("div");
    panel.id = "ttminis-dev-panel";
    var balance = el("span");
    function refresh() { balance.textContent = "Beans: " + fake.wallet.balance; }
    setInterval(refresh, 500);
    refresh();
    var input = el("input");
    input.type = "number";
    input.value = "100";
    input.size = 5;
    panel.appendChild(balance);
    panel.appendChild(input);
    panel.appendChild(el("button", "set", function () { fake.wallet.balance = Number(input.value) || 0; refresh(); }));
    var orderId = el("input");
    orderId.value = "ord-1";
    orderId.size = 8;
    orderId.setAttribute("aria-label", "order id");
    var amount = el("input");
    amount.type = "number";
    amount.value = "30";
    amount.size = 5;
    amount.setAttribute("aria-label", "order amount in Beans");
    var made = el("span");
    made.id = "ttminis-dev-order";
    panel.appendChild(orderId);
    panel.appendChild(amount);
    panel.appendChild(el("button", "create order", function () {
      try {
        var id = fake.backend.createOrder(Math.floor(Number(amount.value) || 0), orderId.value.trim() || undefined);
        made.textContent = "made " + id + ": await game.pay(\"" + id + "\")";
      } catch (e) {
        made.textContent = String(e && e.message || e);
      }
    }));
    panel.appendChild(made);
    ["fail", "never", "twice"].forEach(function (outcome) {
      panel.appendChild(el("button", "next pay: " + outcome, function () { fake.script("pay", { outcome: outcome }); }));
    });
    panel.appendChild(el("button", "next ad: skip", function () { fake.ads.next = "skip"; }));
    panel.appendChild(el("button", "hide/show", function () {
      fake.trigger("Hide", {});
      setTimeout(function () { fake.trigger("Show", { scene: "dev-panel", query: {} }); }, 1000);
    }));
    document.body.appendChild(panel);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
