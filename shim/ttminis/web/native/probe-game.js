// Made by ttminis (build.py --target native --probe): checks this TikTok client, then boots Python.
require("./ttminis/probe.js").run(require("./ttminis/config.js"));
