/*
 * Static checks of a native package's JavaScript, on acorn's syntax tree (host side, never in a game).
 *
 *   node scan.js '[{"path": FILE, "name": "ttminis/boot.js"}, ...]'   -> JSON: [{name, findings: [...]}]
 *
 * Each finding is {kind, line, detail}, kind one of:
 *   es-module-syntax   import/export statements or import.meta (the runtime loads CommonJS only)
 *   dynamic-import     import(...)
 *   eval               a call of eval
 *   function-constructor   Function(...) / new Function(...)
 *   string-timer       setTimeout/setInterval given a string
 *   forbidden-global   document, window, fetch, XMLHttpRequest, Worker used other than under typeof
 *                      (names the file declares itself are not counted)
 * The simulator is the authority on what actually runs; this finds what is written.
 */
"use strict";
const fs = require("fs");
const acorn = require("acorn");

const FORBIDDEN = new Set(["document", "window", "fetch", "XMLHttpRequest", "Worker"]);

function declaredNames(ast) {
  const names = new Set();
  walk(ast, null, (node) => {
    if (node.type === "VariableDeclarator" && node.id.type === "Identifier") names.add(node.id.name);
    if ((node.type === "FunctionDeclaration" || node.type === "FunctionExpression" ||
         node.type === "ArrowFunctionExpression")) {
      if (node.id) names.add(node.id.name);
      node.params.forEach((p) => { if (p.type === "Identifier") names.add(p.name); });
    }
    if (node.type === "ClassDeclaration" && node.id) names.add(node.id.name);
    if (node.type === "CatchClause" && node.param && node.param.type === "Identifier") names.add(node.param.name);
  });
  return names;
}

function walk(node, parent, visit) {
  if (!node || typeof node.type !== "string") return;
  visit(node, parent);
  for (const key of Object.keys(node)) {
    if (key === "type" || key === "start" || key === "end" || key === "loc") continue;
    const value = node[key];
    if (Array.isArray(value)) value.forEach((child) => walk(child, node, visit));
    else if (value && typeof value.type === "string") walk(value, node, visit);
  }
}

function isReference(node, parent) {
  if (!parent) return true;
  if (parent.type === "MemberExpression" && parent.property === node && !parent.computed) return false;
  if ((parent.type === "Property" || parent.type === "MethodDefinition" || parent.type === "PropertyDefinition")
      && parent.key === node && !parent.computed) return parent.shorthand === true;
  if (parent.type === "UnaryExpression" && parent.operator === "typeof") return false;
  if (parent.type === "LabeledStatement" || parent.type === "BreakStatement" || parent.type === "ContinueStatement") {
    return false;
  }
  return true;
}

function scan(source) {
  const findings = [];
  let ast;
  try {
    ast = acorn.parse(source, { ecmaVersion: "latest", sourceType: "script", allowHashBang: true, locations: true });
  } catch (error) {
    const kind = /'import' and 'export'|import\.meta|Cannot use import/.test(error.message) ? "es-module-syntax"
      : "syntax-error";
    findings.push({ kind, line: error.loc ? error.loc.line : 0, detail: error.message });
    return findings;
  }
  const declared = declaredNames(ast);
  const add = (kind, node, detail) => findings.push({ kind, line: node.loc.start.line, detail });
  walk(ast, null, (node, parent) => {
    if (node.type === "ImportExpression") add("dynamic-import", node, "import(...)");
    if (node.type === "MetaProperty" && node.meta.name === "import") add("es-module-syntax", node, "import.meta");
    if (node.type === "CallExpression" || node.type === "NewExpression") {
      const callee = node.callee;
      if (callee.type === "Identifier" && callee.name === "eval" && !declared.has("eval")) add("eval", node, "eval(...)");
      if (callee.type === "Identifier" && callee.name === "Function" && !declared.has("Function")) {
        add("function-constructor", node, `${node.type === "NewExpression" ? "new " : ""}Function(...)`);
      }
      const timer = callee.type === "Identifier" ? callee.name
        : callee.type === "MemberExpression" && !callee.computed ? callee.property.name : null;
      const first = node.arguments[0];
      if ((timer === "setTimeout" || timer === "setInterval") && first &&
          ((first.type === "Literal" && typeof first.value === "string") || first.type === "TemplateLiteral")) {
        add("string-timer", node, `${timer}(string)`);
      }
    }
    if (node.type === "Identifier" && FORBIDDEN.has(node.name) && !declared.has(node.name) && isReference(node, parent)) {
      add("forbidden-global", node, node.name);
    }
  });
  return findings;
}

const files = JSON.parse(process.argv[2]);
const result = files.map((file) => ({ name: file.name, findings: scan(fs.readFileSync(file.path, "utf8")) }));
process.stdout.write(JSON.stringify(result));
