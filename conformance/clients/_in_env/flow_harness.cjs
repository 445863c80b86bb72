// What every Node flow script shares: the same protocol as flow_harness.py, for Node SDKs.
//
// A Node flow script runs as `node <sdk>_flows.cjs < SETTINGS_JSON` with NODE_PATH pointing at its
// SDK environment's node_modules (so `require("openai")` finds the SDK installed there). It requires
// this file and calls `main(sdk, version, flows, makeClient)`. Settings arrive on stdin (the API key is
// not in the process list): {base_url (ends in /v1), api_key, headers, timeout_s, chat_model,
// embedding_model, flows: [...]}. One JSON line goes to stdout for the SDK, then one per flow:
//
//   {"sdk": "openai-node", "version": "4.95.0"}
//   {"flow": "chat.stream", "outcome": "pass"|"fail"|"skip", "error_type", "message", "where",
//    "warnings": [], "duration_s", "raised", "status"}
//
// An error flow (name starting with "errors.") is expected to throw: the class name of what it threw
// goes to "raised" and its HTTP status to "status", with outcome "pass"; the suite judges it.
// Each flow's requests carry the header X-Conformance-Tag: <flow> (the recording proxy strips it).
"use strict";

const TAG_HEADER = "X-Conformance-Tag";
const ERROR_FLOW_PREFIX = "errors.";
const PROMPT = "Say hello to the conformance suite.";
const TOOL_NAME = "get_weather";
const TOOL_PROMPT = `Call ${TOOL_NAME}: what is the weather like in Paris?`;
const UNKNOWN_MODEL = "conformance-no-such-model";
const WEATHER_PARAMETERS = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
  additionalProperties: false,
};

class Skip extends Error {}

// What a failed expect() throws: reported as "AssertionError", as the Python harness reports its own.
class AssertionError extends Error {}
AssertionError.prototype.name = "AssertionError";

class Settings {
  constructor(raw) {
    this.base_url = raw.base_url;
    this.given_api_key = raw.api_key || null;
    this.api_key = this.given_api_key || "conformance";
    this.headers = raw.headers || {};
    this.timeout_s = Number(raw.timeout_s || 60);
    this.chat_model = raw.chat_model;
    this.embedding_model = raw.embedding_model || null;
    this.flows = raw.flows;
  }

  // The base URL without its /v1 (for SDKs whose paths carry the version).
  get root_url() {
    return this.base_url.replace(/\/+$/, "").replace(/\/v1$/, "");
  }

  needsApiKey() {
    if (this.given_api_key === null) {
      throw new Skip("no --api-key was given, so the server's authentication is not known");
    }
  }
}

function expect(condition, message) {
  if (!condition) throw new AssertionError(message);
}

async function setup(what, make) {
  try {
    return await make();
  } catch (error) {
    throw new Skip(`setup step ${what} failed (${error && error.name}: ${error && error.message}); its own case judges it`);
  }
}

// The innermost source line that threw (a frame in a file: native frames such as JSON.parse have
// none), like the Python harness's "openai/...py:405: assert ...": the path from the package's folder
// on, the line number and the line's own text.
function where(error) {
  const stack = (error && error.stack) || "";
  for (const line of stack.split("\n")) {
    const frame = /^\s*at (?:.*\()?((?:file:\/\/)?\/[^()]*?):(\d+):\d+\)?$/.exec(line);
    if (!frame) continue;
    const file = frame[1].replace(/^file:\/\//, "");
    let text = "";
    try {
      text = require("fs").readFileSync(file, "utf8").split("\n")[Number(frame[2]) - 1].trim();
    } catch (_unreadable) {
      // the frame's file is gone or unreadable: the location alone
    }
    // a package's file from its package folder on (openai/core/streaming.js), our own by its name
    const shown = file.includes("/node_modules/") ? file.replace(/.*\/node_modules\//, "") : file.replace(/.*\//, "");
    return `${shown}:${frame[2]}` + (text ? `: ${text.slice(0, 200)}` : "");
  }
  return "";
}

function statusOf(error) {
  return error && Number.isInteger(error.status) ? error.status : null;
}

async function runFlow(name, flow, makeClient, settings) {
  const outcome = { flow: name, outcome: "pass", error_type: null, message: null, where: null, warnings: [] };
  const warnings = [];
  const onWarning = (warning) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on("warning", onWarning);
  const started = performance.now();
  try {
    await flow(makeClient(settings, name), settings);
    if (name.startsWith(ERROR_FLOW_PREFIX)) Object.assign(outcome, { raised: null, status: null });
  } catch (error) {
    if (error instanceof Skip) {
      Object.assign(outcome, { outcome: "skip", message: error.message });
    } else if (name.startsWith(ERROR_FLOW_PREFIX)) {
      Object.assign(outcome, { raised: error && error.constructor ? error.constructor.name : String(error), status: statusOf(error), message: String(error && error.message) });
    } else {
      Object.assign(outcome, {
        outcome: "fail",
        error_type: error && error.constructor ? error.constructor.name : typeof error,
        message: String(error && error.message),
        where: where(error),
      });
    }
  }
  await new Promise((resolve) => setImmediate(resolve)); // let pending 'warning' events arrive
  process.off("warning", onWarning);
  outcome.warnings = warnings;
  outcome.duration_s = Math.round(performance.now() - started) / 1000;
  return outcome;
}

function readStdin() {
  return new Promise((resolve, reject) => {
    let data = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => (data += chunk));
    process.stdin.on("end", () => resolve(data));
    process.stdin.on("error", reject);
  });
}

async function main(sdk, version, flows, makeClient) {
  const settings = new Settings(JSON.parse(await readStdin()));
  const unknown = settings.flows.filter((name) => !(name in flows));
  if (unknown.length) {
    process.stderr.write(`unknown flows: ${unknown.join(", ")}\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(JSON.stringify({ sdk, version }) + "\n");
  for (const name of settings.flows) {
    process.stdout.write(JSON.stringify(await runFlow(name, flows[name], makeClient, settings)) + "\n");
  }
}

module.exports = {
  TAG_HEADER, PROMPT, TOOL_NAME, TOOL_PROMPT, UNKNOWN_MODEL, WEATHER_PARAMETERS,
  AssertionError, Skip, Settings, expect, setup, main,
};
