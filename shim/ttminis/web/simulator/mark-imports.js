/*
 * Staging for the jsc host (host side, Node): each `import(x)` in a package file becomes `$_imp$(x)`, a call
 * of the host's recorder, because JavaScriptCore's shell has no hook for import(). The keyword and the name
 * are both six characters, so every line and column stays where it was.
 *
 *   node mark-imports.js FILE...      (prints one JSON object: {FILE: text with the calls marked})
 *
 * Only import expressions found in the syntax tree (acorn) are marked, never the word in a string, comment
 * or name. A file acorn cannot parse as a script is left out: jsc then reports its own SyntaxError.
 */
"use strict";
const fs = require("fs");
const acorn = require("acorn");

const MARK = "$_imp$";
const marked = {};
for (const file of process.argv.slice(2)) {
  const source = fs.readFileSync(file, "utf8");
  let ast;
  try {
    ast = acorn.parse(source, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true,
                                allowHashBang: true });
  } catch (error) {
    continue;
  }
  const starts = [];
  (function visit(node) {
    if (!node || typeof node.type !== "string") return;
    if (node.type === "ImportExpression") starts.push(node.start);
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (Array.isArray(child)) child.forEach(visit);
      else if (child && typeof child.type === "string") visit(child);
    }
  })(ast);
  if (!starts.length) continue;
  let out = "";
  let at = 0;
  for (const start of starts.sort((a, b) => a - b)) {
    out += source.slice(at, start) + MARK;
    at = start + "import".length;
  }
  marked[file] = out + source.slice(at);
}
process.stdout.write(JSON.stringify(marked));
