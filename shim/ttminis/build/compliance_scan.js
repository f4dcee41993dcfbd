/*
 * The compliance scanner's JavaScript half: parses every file with acorn (so strings, comments,
 * regular expressions and template literals are never mistaken for code) and reports where a rule
 * matches. Run once per build by compliance.py: `node compliance_scan.js < request.json`.
 *
 * Request: {"files": [{"name": "ttminis-loader.js", "path": "/abs/path"}], "rules": [RULE, ...]}
 * Reply:   {"files": {name: {"findings": [{"rule", "line", "column", "text"}], "count": {rule: n},
 *                            "error": null | "parse error message"}}}
 *
 * A RULE is data (see compliance.py); each key is one way of matching, and a rule may use several:
 *   globals: [name]           the global `name`, however it is reached: `eval(...)`, `(0, eval)(...)`,
 *                             `window.Function(...)`, `globalThis["eval"]`, `self[`eval`]`,
 *                             `Reflect.get(window, "eval")`, `const {eval: e} = window`, and through
 *                             a variable holding a global object (`const g = globalThis; g.eval`).
 *                             A local variable of the same name is not the global.
 *   harmless_members: {name: [member]}  reading these members of a global is not using it
 *                             (`Function.prototype.call.bind` constructs nothing)
 *   typeof_ok                 `typeof name` (feature detection) is not a use of the global
 *   function_constructors     also the Function constructor reached from a function value:
 *                             `(function(){}).constructor`, `(() => {}).constructor`,
 *                             `x.constructor.constructor`, `Object.getPrototypeOf(async () => {}).constructor`;
 *                             any `.constructor` called with a string (`Math.max.constructor("...")`,
 *                             `[].map.constructor("...")`, `(0, [].filter).constructor("x")`); a `.constructor`
 *                             handed to `Reflect.construct`/`Reflect.apply`
 *                             (`Reflect.construct(Object.getPrototypeOf(f).constructor, [...])`); the value of
 *                             the descriptor of a `constructor` property
 *                             (`Object.getOwnPropertyDescriptor(Function.prototype, "constructor").value`)
 *   string_argument_to: [f]   a call of the global function `f` whose first argument is a string,
 *                             a template literal or a concatenation with one (`setTimeout("...")`), also
 *                             through a variable holding it (`var st = setTimeout; st("1+1")`)
 *   members: [[object, name]] the global `object`'s property `name` (`WebAssembly.instantiate`)
 *   syntax: [node type]       ESTree node types (ImportDeclaration, ImportExpression, Export*,
 *                             and "ImportMeta" for `import.meta`)
 *   assigns_globals: [name]   an assignment to the global `name` (`globalThis.TTMinisFake = ...`)
 *
 * Not caught (documented in the README): names built at run time (`window["ev" + x]`), global
 * objects or global functions passed through functions, returns or object properties, a `.constructor`
 * called with a code string held in a variable (`f.constructor(code)`), and string timers whose code
 * string is held in a variable.
 */
"use strict";
const fs = require("fs");
const acorn = require("acorn");

const GLOBAL_OBJECTS = new Set(["window", "self", "globalThis", "global", "GameGlobal", "top", "parent", "frames"]);
const FUNCTION_NODES = new Set(["FunctionExpression", "ArrowFunctionExpression", "ClassExpression",
                                "FunctionDeclaration"]);
const MAX_FINDINGS_PER_RULE = 5;

function parse(source) {
  const options = { ecmaVersion: "latest", locations: true, allowHashBang: true,
                    allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true };
  try {
    return acorn.parse(source, Object.assign({ sourceType: "script" }, options));
  } catch (scriptError) {
    try { return acorn.parse(source, Object.assign({ sourceType: "module" }, options)); }
    catch (_) { throw scriptError; }
  }
}

// -- scopes: which names a file declares itself (so a local `fetch` is not the global) -----------

function patternNames(pattern, out) {
  if (!pattern) return out;
  switch (pattern.type) {
    case "Identifier": out.push(pattern.name); break;
    case "ObjectPattern": pattern.properties.forEach((p) => patternNames(p.type === "RestElement" ? p.argument : p.value, out)); break;
    case "ArrayPattern": pattern.elements.forEach((e) => patternNames(e, out)); break;
    case "AssignmentPattern": patternNames(pattern.left, out); break;
    case "RestElement": patternNames(pattern.argument, out); break;
  }
  return out;
}

function isScope(node) {
  return node.type === "Program" || FUNCTION_NODES.has(node.type) || node.type === "BlockStatement" ||
         node.type === "CatchClause" || node.type === "ForStatement" || node.type === "ForInStatement" ||
         node.type === "ForOfStatement" || node.type === "ClassDeclaration" || node.type === "StaticBlock";
}

function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    if (key === "loc" || key === "start" || key === "end") continue;
    const value = node[key];
    if (Array.isArray(value)) value.forEach((v) => { if (v && typeof v.type === "string") out.push([key, v]); });
    else if (value && typeof value.type === "string") out.push([key, value]);
  }
  return out;
}

// Declarations, each in the scope it belongs to: var and functions in the nearest function (or
// the program), let/const/class in the nearest block.
function declareAll(ast) {
  const declared = new Map();   // scope node -> Set of names
  const add = (scope, names) => { if (!declared.has(scope)) declared.set(scope, new Set());
                                  names.forEach((n) => declared.get(scope).add(n)); };
  (function visit(node, functionScope, blockScope) {
    if (FUNCTION_NODES.has(node.type) || node.type === "Program") {
      if (node.type === "FunctionDeclaration" && node.id) add(blockScope || functionScope, [node.id.name]);
      const own = node;
      if (node.type !== "Program") {
        if (node.id && node.type !== "FunctionDeclaration") add(own, [node.id.name]);
        (node.params || []).forEach((p) => add(own, patternNames(p, [])));
      }
      functionScope = own; blockScope = own;
    } else if (isScope(node)) {
      if (node.type === "CatchClause" && node.param) add(node, patternNames(node.param, []));
      if (node.type === "ClassDeclaration" && node.id) add(blockScope, [node.id.name]);
      blockScope = node;
    }
    if (node.type === "VariableDeclaration") {
      const names = [];
      node.declarations.forEach((d) => patternNames(d.id, names));
      add(node.kind === "var" ? functionScope : blockScope, names);
    }
    if (node.type === "ImportDeclaration") add(functionScope, node.specifiers.map((s) => s.local.name));
    for (const [, child] of children(node)) visit(child, functionScope, blockScope);
  })(ast, ast, ast);
  return declared;
}

// -- matching ----------------------------------------------------------------------------------

function constantString(node) {
  if (!node) return null;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) return node.quasis[0].value.cooked;
  if (node.type === "BinaryExpression" && node.operator === "+") {
    const left = constantString(node.left), right = constantString(node.right);
    return left !== null && right !== null ? left + right : null;
  }
  return null;
}

function looksLikeString(node) {
  if (!node) return false;
  if (node.type === "Literal" && typeof node.value === "string") return true;
  if (node.type === "TemplateLiteral") return true;
  if (node.type === "BinaryExpression" && node.operator === "+") return looksLikeString(node.left) || looksLikeString(node.right);
  return false;
}

function propertyName(member) {
  if (!member.computed) return member.property.type === "Identifier" ? member.property.name : null;
  return constantString(member.property);
}

function unwrap(node) {
  while (node && (node.type === "ChainExpression" || node.type === "ParenthesizedExpression")) node = node.expression;
  if (node && node.type === "SequenceExpression") return unwrap(node.expressions[node.expressions.length - 1]);
  return node;
}

function scanFile(source, rules) {
  const ast = parse(source);
  const declared = declareAll(ast);
  const stack = [];           // [{node, aliases: Set}] innermost last
  const findings = [], count = {};

  const bound = (name) => stack.some((s) => declared.has(s.node) && declared.get(s.node).has(name));
  const functionAlias = (name) => {  // `var st = setTimeout`: the global the innermost declaration holds
    for (let i = stack.length - 1; i >= 0; i--) {
      const names = declared.get(stack[i].node);
      if (names && names.has(name)) return stack[i].globals.get(name) || null;
    }
    return null;
  };
  const alias = (name) => {  // the innermost scope declaring `name` says whether it holds a global object
    for (let i = stack.length - 1; i >= 0; i--) {
      const names = declared.get(stack[i].node);
      if (names && names.has(name)) return stack[i].aliases.has(name);
    }
    return false;
  };
  const isGlobalObject = (node) => {
    node = unwrap(node);
    if (!node) return false;
    if (node.type === "Identifier") return (GLOBAL_OBJECTS.has(node.name) && !bound(node.name)) || alias(node.name);
    if (node.type === "ThisExpression") return stack.every((s) => !FUNCTION_NODES.has(s.node.type) ||
                                                          s.node.type === "ArrowFunctionExpression");
    if (node.type === "MemberExpression") return isGlobalObject(node.object) && GLOBAL_OBJECTS.has(propertyName(node));
    return false;
  };
  // The global name an expression reaches, or null: `eval`, `window.eval`, `globalThis["eval"]`.
  const globalName = (node) => {
    node = unwrap(node);
    if (!node) return null;
    if (node.type === "Identifier") return bound(node.name) ? functionAlias(node.name) : node.name;
    if (node.type === "MemberExpression" && isGlobalObject(node.object)) return propertyName(node);
    if (node.type === "CallExpression" && globalName(node.callee) === null && isReflectGet(node.callee) &&
        isGlobalObject(node.arguments[0])) return constantString(node.arguments[1]);
    return null;
  };
  const isReflectGet = (callee) => {
    callee = unwrap(callee);
    return callee && callee.type === "MemberExpression" && globalName(callee.object) === "Reflect" && propertyName(callee) === "get";
  };
  const reachesFunctionConstructor = (member) => {
    if (propertyName(member) !== "constructor") return false;
    let object = unwrap(member.object);
    if (FUNCTION_NODES.has(object.type)) return true;
    if (object.type === "MemberExpression" && propertyName(object) === "constructor") return true;
    if (object.type === "MemberExpression" && propertyName(object) === "prototype" &&
        globalName(object.object) === "Function") return true;
    if (object.type === "CallExpression" && ["getPrototypeOf"].includes(propertyName(unwrap(object.callee)) || "") &&
        object.arguments[0] && FUNCTION_NODES.has(unwrap(object.arguments[0]).type)) return true;
    return false;
  };

  const isConstructorMember = (node) => {
    node = unwrap(node);
    return !!node && node.type === "MemberExpression" && propertyName(node) === "constructor";
  };
  const callsConstructorWithCode = (node) =>
    (node.type === "CallExpression" || node.type === "NewExpression") && isConstructorMember(node.callee) &&
    looksLikeString(node.arguments[0]);
  const reflectsConstructor = (node) => {
    if (node.type !== "CallExpression") return false;
    const callee = unwrap(node.callee);
    return callee && callee.type === "MemberExpression" && globalName(callee.object) === "Reflect" &&
      ["construct", "apply"].includes(propertyName(callee)) && isConstructorMember(node.arguments[0]);
  };
  const constructorDescriptorValue = (node) => {
    if (node.type !== "MemberExpression" || propertyName(node) !== "value") return false;
    const call = unwrap(node.object);
    if (!call || call.type !== "CallExpression") return false;
    const callee = unwrap(call.callee);
    return callee && callee.type === "MemberExpression" && propertyName(callee) === "getOwnPropertyDescriptor" &&
      constantString(call.arguments[1]) === "constructor";
  };

  const report = (rule, node) => {
    count[rule.id] = (count[rule.id] || 0) + 1;
    if (count[rule.id] > MAX_FINDINGS_PER_RULE) return;
    const text = source.slice(node.start, Math.min(node.end, node.start + 80)).replace(/\s+/g, " ");
    findings.push({ rule: rule.id, line: node.loc.start.line, column: node.loc.start.column + 1, text: text });
  };

  function check(node, parent, key, binding) {
    for (const rule of rules) {
      if (rule.syntax) {
        const type = node.type === "MetaProperty" ? (node.meta.name === "import" ? "ImportMeta" : "NewTarget") : node.type;
        if (rule.syntax.includes(type)) report(rule, node);
      }
      if (rule.globals) {
        const harmless = (name) => parent && parent.type === "MemberExpression" && key === "object" &&
          ((rule.harmless_members || {})[name] || []).includes(propertyName(parent));
        const detected = rule.typeof_ok && parent && parent.type === "UnaryExpression" && parent.operator === "typeof";
        if (node.type === "Identifier" && !binding && isReference(node, parent, key) && !detected &&
            rule.globals.includes(node.name) && !bound(node.name) && !harmless(node.name)) report(rule, node);
        if (node.type === "MemberExpression" && isGlobalObject(node.object) && rule.globals.includes(propertyName(node)) &&
            !harmless(propertyName(node))) report(rule, node);
        if (node.type === "CallExpression" && isReflectGet(node.callee) && isGlobalObject(node.arguments[0]) &&
            rule.globals.includes(constantString(node.arguments[1]))) report(rule, node);
        if (node.type === "VariableDeclarator" && node.id.type === "ObjectPattern" && isGlobalObject(node.init)) {
          node.id.properties.forEach((p) => {
            if (p.type === "Property" && rule.globals.includes(p.computed ? constantString(p.key) : p.key.name)) report(rule, p);
          });
        }
      }
      if (rule.function_constructors && node.type === "MemberExpression" && reachesFunctionConstructor(node)) report(rule, node);
      else if (rule.function_constructors && (callsConstructorWithCode(node) || reflectsConstructor(node) ||
                                              constructorDescriptorValue(node))) report(rule, node);
      if (rule.string_argument_to && (node.type === "CallExpression" || node.type === "NewExpression") &&
          rule.string_argument_to.includes(globalName(node.callee)) && looksLikeString(node.arguments[0])) report(rule, node);
      if (rule.members && node.type === "MemberExpression") {
        const object = globalName(node.object), name = propertyName(node);
        if (rule.members.some(([o, n]) => o === object && n === name)) report(rule, node);
      }
      if (rule.assigns_globals && node.type === "AssignmentExpression") {
        const target = unwrap(node.left);
        if (target.type === "MemberExpression" && isGlobalObject(target.object) &&
            rule.assigns_globals.includes(propertyName(target))) report(rule, node);
      }
    }
  }

  // `binding`: inside a declaration's names (a pattern), where identifiers are not references.
  (function visit(node, parent, key, binding) {
    const opens = isScope(node);
    if (opens) stack.push({ node: node, aliases: new Set(), globals: new Map() });
    if (node.type === "VariableDeclarator" && node.id.type === "Identifier" && node.init && isGlobalObject(node.init)) {
      for (let i = stack.length - 1; i >= 0; i--) {
        const names = declared.get(stack[i].node);
        if (names && names.has(node.id.name)) { stack[i].aliases.add(node.id.name); break; }
      }
    }
    if (node.type === "VariableDeclarator" && node.id.type === "Identifier" && node.init) {
      const held = globalName(node.init);
      if (held) {
        for (let i = stack.length - 1; i >= 0; i--) {
          const names = declared.get(stack[i].node);
          if (names && names.has(node.id.name)) { stack[i].globals.set(node.id.name, held); break; }
        }
      }
    }
    check(node, parent, key, binding);
    for (const [childKey, child] of children(node)) {
      if (node.type === "Property" && node.shorthand && childKey === "key") continue;
      visit(child, node, childKey, bindsNames(node, childKey, binding));
    }
    if (opens) stack.pop();
  })(ast, null, null, false);
  return { findings: findings, count: count };
}

// Whether the child `key` of `node` holds names being declared (patterns), given the parent's state.
function bindsNames(node, key, binding) {
  switch (node.type) {
    case "VariableDeclarator": return key === "id";
    case "FunctionDeclaration": case "FunctionExpression": case "ArrowFunctionExpression":
      return key === "params" || key === "id";
    case "ClassDeclaration": case "ClassExpression": return key === "id";
    case "CatchClause": return key === "param";
    case "AssignmentPattern": return binding && key === "left";
    case "Property": return binding && key === "value";
    case "ObjectPattern": case "ArrayPattern": case "RestElement": return binding;
  }
  return false;
}

// Whether an Identifier is read as a variable (not a property name, label or declaration).
function isReference(node, parent, key) {
  if (!parent) return true;
  switch (parent.type) {
    case "MemberExpression": return key === "object" || parent.computed;
    case "Property": case "MethodDefinition": case "PropertyDefinition":
      return key === "value" || (key === "key" && parent.computed);
    case "LabeledStatement": case "BreakStatement": case "ContinueStatement": return false;
    case "VariableDeclarator": return key === "init";
    case "FunctionDeclaration": case "FunctionExpression": case "ArrowFunctionExpression":
    case "ClassDeclaration": case "ClassExpression": return key === "body" || key === "superClass";
    case "CatchClause": return key === "body";
    case "ImportSpecifier": case "ImportDefaultSpecifier": case "ImportNamespaceSpecifier": return false;
    case "ExportSpecifier": return key === "local";
    case "MetaProperty": return false;
    case "AssignmentPattern": return key === "right";
    case "ArrayPattern": case "ObjectPattern": case "RestElement": return false;
  }
  return true;
}

function main() {
  const request = JSON.parse(fs.readFileSync(0, "utf8"));
  const files = {};
  for (const file of request.files) {
    try {
      files[file.name] = Object.assign({ error: null }, scanFile(fs.readFileSync(file.path, "utf8"), request.rules));
    } catch (e) {
      files[file.name] = { findings: [], count: {}, error: String(e && e.message || e) };
    }
  }
  process.stdout.write(JSON.stringify({ files: files }));
}

main();
