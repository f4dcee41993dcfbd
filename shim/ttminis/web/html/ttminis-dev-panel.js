/*
 * The --dev builds' on-page panel: set the fake wallet's balance and force the next outcome of a
 * purchase, an ad, or a hide/show, through the fake's control object (TTMinisFake). No eval.
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
