/*
 * The --dev builds' banner and panel. The banner ("DEV BUILD — fake TikTok", or "DEV BUILD —
 * TikTok's SDK" once TikTok's own SDK is in use) is always on screen, so a dev build is never
 * mistaken for an upload. The panel, shown only while the fake is in use, sets the fake wallet's
 * balance, creates a stand-in order for `game.pay` to pay, and forces the next outcome of a purchase,
 * an ad, or a hide/show, through the fake's control object (TTMinisFake). Loaded by the loader after
 * the SDK is settled. No eval.
 */
(function () {
  "use strict";
  function el(tag, text, onClick) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (onClick) node.addEventListener("click", onClick);
    return node;
  }

  function buildPanel(fake, refresh) {
    var panel = el("div");
    panel.id = "ttminis-dev-panel";
    var balance = el("span");
    balance.id = "ttminis-dev-balance";
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
    return panel;
  }

  var fake = globalThis.TTMinisFake;
  var banner = el("div");
  banner.id = "ttminis-dev-banner";
  document.body.appendChild(banner);
  var panel = null;
  function refresh() {
    var usingFake = !!(fake && fake.installed);
    banner.textContent = usingFake ? "DEV BUILD \u2014 fake TikTok (not for upload)"
                                   : "DEV BUILD \u2014 TikTok's SDK (not for upload)";
    banner.className = usingFake ? "ttminis-fake" : "ttminis-tiktok";
    if (panel) {
      panel.hidden = !usingFake;
      document.getElementById("ttminis-dev-balance").textContent = "Beans: " + fake.wallet.balance;
    }
  }
  if (fake && fake.installed) panel = buildPanel(fake, refresh);
  refresh();
  setInterval(refresh, 500);
})();
