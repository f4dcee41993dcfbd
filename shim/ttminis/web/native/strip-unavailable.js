/*
 * Build-time pass over the bundled Pyodide (host side, Node): what TikTok's DOM-less runtime cannot do is
 * taken out of the text, so an upload scan finds no DOM, eval, fetch, XHR or Worker in the package.
 *
 *   node strip-unavailable.js IN OUT     (prints one JSON line: {"replaced": {what: count}, "hits": [...]})
 *
 * Emscripten and Pyodide keep browser, worker and Node branches beside the JS-shell one the native package
 * runs. Each use of what the runtime lacks, found in the syntax tree (acorn), is replaced by a call of a stub
 * that throws saying what is missing — so reaching it fails loudly, as it would have anyway:
 *
 *   document.x / window.x        ->  __ttminisUnavailable("document").x   (and any other use of the name
 *                                    but `typeof document`)
 *   globalThis.window / .document ->  (void 0)             (the runtime has neither: the branch is never taken)
 *   eval(...)                    ->  __ttminisEval(...): the text looked up in the table the build made of side
 *                                    modules' EM_ASM/EM_JS (ttminis/em-code.js); any other text throws
 *   fetch(...)                   ->  __ttminisUnavailable("fetch")(...)
 *   new Worker(...)              ->  new (__ttminisUnavailable("worker"))(...)
 *   new XMLHttpRequest           ->  new (__ttminisUnavailable("xhr"))
 *   globalThis.XMLHttpRequest    ->  (void 0)              (the runtime has none: the branch is never taken)
 *
 * Only references to the global names are replaced (a name the bundle declares itself is left, and then the
 * scan below fails the build). Then every text the upload scan looks for is searched once more; what is left
 * is listed in "hits" (the build fails on any).
 */
"use strict";
const fs = require("fs");
const acorn = require("acorn");

const [input, output] = process.argv.slice(2);
const source = fs.readFileSync(input, "utf8");
const ast = acorn.parse(source, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true,
                                  allowAwaitOutsideFunction: true, allowHashBang: true });

const MEMBER_OBJECTS = new Set(["document", "window"]);
const CALLEES = new Set(["eval", "fetch", "Function"]);
const CONSTRUCTED = { Worker: "worker", XMLHttpRequest: "xhr", Function: "Function" };

// Names the bundle binds itself: references to those are its own, not the global's.
const declared = new Set();
function bindNames(pattern) {
  if (!pattern) return;
  switch (pattern.type) {
    case "Identifier": declared.add(pattern.name); break;
    case "ObjectPattern": pattern.properties.forEach((p) => bindNames(p.type === "RestElement" ? p.argument : p.value)); break;
    case "ArrayPattern": pattern.elements.forEach(bindNames); break;
    case "RestElement": bindNames(pattern.argument); break;
    case "AssignmentPattern": bindNames(pattern.left); break;
    default: break;
  }
}
function visit(node, parent, key, fn) {
  if (!node || typeof node.type !== "string") return;
  fn(node, parent, key);
  for (const k of Object.keys(node)) {
    const child = node[k];
    if (Array.isArray(child)) child.forEach((c) => visit(c, node, k, fn));
    else if (child && typeof child.type === "string") visit(child, node, k, fn);
  }
}
visit(ast, null, null, (node) => {
  if (node.type === "VariableDeclarator") bindNames(node.id);
  if ((node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ClassDeclaration"
       || node.type === "ClassExpression") && node.id) bindNames(node.id);
  if (node.params) node.params.forEach(bindNames);
  if (node.type === "CatchClause") bindNames(node.param);
});

const edits = [];
const replaced = {};
function edit(start, end, text, what) {
  edits.push({ start, end, text });
  replaced[what] = (replaced[what] || 0) + 1;
}
const free = (node) => node && node.type === "Identifier" && !declared.has(node.name);
const assigned = (parent, key) => parent && ((parent.type === "AssignmentExpression" && key === "left") ||
                                             parent.type === "UpdateExpression");
// Whether an Identifier is read as a variable here (not a property name, a declaration or typeof's operand).
function reference(node, parent, key) {
  if (!parent) return true;
  if (parent.type === "MemberExpression") return key === "object" || parent.computed;
  if (parent.type === "Property" || parent.type === "MethodDefinition" || parent.type === "PropertyDefinition") {
    return key === "value" && !parent.shorthand ? true : key === "key" && parent.computed;
  }
  if (parent.type === "UnaryExpression" && parent.operator === "typeof") return false;
  if (parent.type === "VariableDeclarator") return key === "init";
  if (/Function|Class/.test(parent.type)) return key === "body" || key === "superClass";
  if (parent.type === "LabeledStatement" || parent.type === "BreakStatement" || parent.type === "ContinueStatement") return false;
  if (parent.type === "CatchClause") return key === "body";
  return true;
}
visit(ast, null, null, (node, parent, key) => {
  if (node.type === "Identifier" && free(node) && MEMBER_OBJECTS.has(node.name) && reference(node, parent, key) &&
      !assigned(parent, key)) {
    edit(node.start, node.end, `__ttminisUnavailable(${JSON.stringify(node.name)})`, node.name);
  } else if (node.type === "MemberExpression" && !node.computed && MEMBER_OBJECTS.has(node.property.name) &&
             free(node.object) && node.object.name === "globalThis" && !assigned(parent, key)) {
    edit(node.start, node.end, "(void 0)", node.property.name);
  } else if (node.type === "MemberExpression" && !node.computed && node.property.name === "XMLHttpRequest") {
    edit(node.start, node.end, "(void 0)", "xhr");
  } else if (node.type === "CallExpression" && free(node.callee) && node.callee.name === "eval") {
    edit(node.callee.start, node.callee.end, "__ttminisEval", "eval");
  } else if (node.type === "CallExpression" && free(node.callee) && CALLEES.has(node.callee.name)) {
    edit(node.callee.start, node.callee.end, `__ttminisUnavailable(${JSON.stringify(node.callee.name)})`, node.callee.name);
  } else if (node.type === "NewExpression" && free(node.callee) && CONSTRUCTED[node.callee.name]) {
    edit(node.callee.start, node.callee.end, `(__ttminisUnavailable(${JSON.stringify(CONSTRUCTED[node.callee.name])}))`,
         CONSTRUCTED[node.callee.name]);
  }
});
edits.sort((a, b) => b.start - a.start);
let text = source;
for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);

const STUB = "var __ttminisUnavailable = function (what) {\n" +
  "  var names = { xhr: \"HTTP requests (XHR)\", worker: \"web workers\", eval: \"code from strings (eval)\",\n" +
  "                Function: \"code from strings (the Function constructor)\", fetch: \"the fetch API\",\n" +
  "                document: \"the DOM (document)\", window: \"the browser window\" };\n" +
  "  throw new Error((names[what] || what) + \" is not available on TikTok's native runtime \" +\n" +
  "                  \"(removed from this build of Pyodide for the DOM-less runtime)\");\n" +
  "};\n";
// Emscripten evals the JavaScript of a side module's EM_ASM/EM_JS when it loads it: the build wrote each such
// text as a function into ttminis/em-code.js, which startPyodide hands over as __ttminisEval.table.
const EVAL_TABLE = "var __ttminisEval = function (text) {\n" +
  "  var table = __ttminisEval.table;\n" +
  "  if (table && Object.prototype.hasOwnProperty.call(table, text)) return table[text];\n" +
  "  return __ttminisUnavailable(\"eval\")(text);\n" +
  "};\n";
text = STUB + EVAL_TABLE + text;
acorn.parse(text, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true,
                    allowAwaitOutsideFunction: true, allowHashBang: true });     // still JavaScript
fs.writeFileSync(output, text);
process.stdout.write(JSON.stringify({ replaced }) + "\n");
