#!/usr/bin/env node
// validate-json.js SCHEMA FILE...: checks each FILE against a JSON Schema
// (draft-04, as the SARIF 2.1.0 schema is, or draft-07) with Ajv and its
// formats; prints each error as "FILE: PATH MESSAGE" and exits 1 if any.
// A schema that is not valid against its draft's meta-schema is an error
// (Ajv's compile checks it), exit 2.
"use strict";
const fs = require("fs");
const path = require("path");
// scripts/install-deps installs the modules of package.json beside this
// file into build/npm.
const modules = process.env.KATIB_NPM_MODULES ||
	path.join(__dirname, "..", "..", "build", "npm", "node_modules");
const addFormats = require(path.join(modules, "ajv-formats"));

const [schemaFile, ...dataFiles] = process.argv.slice(2);
if (!schemaFile || !dataFiles.length) {
	console.error("usage: validate-json.js SCHEMA FILE...");
	process.exit(2);
}
const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
const draft04 = /draft-04/.test(schema.$schema || "");
const Ajv = require(path.join(modules, draft04 ? "ajv-draft-04" : "ajv"));
// The SARIF schema's "language" pattern has a stray ']', which only a
// non-Unicode RegExp accepts (as JSON Schema's ECMA-262 dialect does).
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
let validate;
try {
	validate = ajv.compile(schema);
} catch (e) {
	console.error(`${schemaFile}: ${e.message}`);
	process.exit(2);
}
let failed = false;
for (const dataFile of dataFiles) {
	const data = JSON.parse(fs.readFileSync(dataFile, "utf8"));
	if (validate(data))
		continue;
	failed = true;
	// The unknown key itself, which Ajv's message leaves out.
	for (const e of validate.errors) {
		const extra = e.params && e.params.additionalProperty;
		console.log(`${dataFile}: ${e.instancePath || "/"} ${e.message}` +
			(extra ? ` '${extra}'` : ""));
	}
}
process.exit(failed ? 1 : 0);
