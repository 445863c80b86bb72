// Flows written against the official `llama-stack-client` Node SDK (the Agents API of Llama Stack
// 0.3), run by node with NODE_PATH at the SDK environment's node_modules. Imports nothing of ours but
// the harness beside it:
//
//   node llama_stack_client_flows.cjs < SETTINGS_JSON
//
// The 0.3.0 SDK's paths carry their version: agents under /v1/agents (the 0.3 server's deprecated
// aliases of /v1alpha/agents), OpenAI-compatible routes under /v1/openai/v1; its base URL is the
// server's root.
"use strict";

const { LlamaStackClient } = require("llama-stack-client");
const { VERSION } = require("llama-stack-client/version");
const { PROMPT, TAG_HEADER, expect, setup, main } = require("./flow_harness.cjs");
const { errorsUnknownId, errorsInvalidBody, errorsUnknownModel, errorsNoAuth } = require("./common_flows.cjs");

const INSTRUCTIONS = "You are the conformance suite's assistant. Answer briefly.";

function makeClient(settings, flow, apiKey = settings.api_key) {
  return new LlamaStackClient({
    baseURL: settings.root_url,
    apiKey,
    defaultHeaders: { ...settings.headers, [TAG_HEADER]: flow },
    timeout: settings.timeout_s * 1000,
    maxRetries: 0, // a retry would hide what the server did the first time
  });
}

function agentConfig(s) {
  return { model: s.chat_model, instructions: INSTRUCTIONS, enable_session_persistence: false };
}

async function newAgent(client, s) {
  return setup("agents.create", () => client.agents.create({ agent_config: agentConfig(s) }));
}

async function newSession(client, agentId) {
  return setup("agents.session-create", () => client.agents.session.create(agentId, { session_name: "conformance" }));
}

// ------------------------------------------------------------------ agents

async function agentsCreate(client, s) {
  const agent = await client.agents.create({ agent_config: agentConfig(s) });
  expect(typeof agent.agent_id === "string" && agent.agent_id.length > 0, "the created agent has no agent_id");
}

async function agentsSession(client, s) {
  const agent = await newAgent(client, s);
  const session = await client.agents.session.create(agent.agent_id, { session_name: "conformance" });
  expect(typeof session.session_id === "string" && session.session_id.length > 0, "the created session has no session_id");
}

async function agentsTurnStream(client, s) {
  const agent = await newAgent(client, s);
  const session = await newSession(client, agent.agent_id);
  const stream = await client.agents.turn.create(agent.agent_id, session.session_id, {
    messages: [{ role: "user", content: PROMPT }],
    stream: true,
  });
  const kinds = [];
  let turn = null;
  for await (const chunk of stream) {
    const payload = chunk.event && chunk.event.payload;
    kinds.push(payload ? payload.event_type : "(no event.payload)");
    if (payload && payload.event_type === "turn_complete") turn = payload.turn;
  }
  expect(turn !== null, `no turn_complete event (saw ${kinds.slice(0, 8).join(", ") || "none"})`);
  const output = turn.output_message;
  expect(Boolean(output) && output.role === "assistant", "the completed turn has no assistant output_message");
  expect(typeof output.content === "string" ? output.content.length > 0 : Array.isArray(output.content),
    "the completed turn's output_message has no content");
}

// ------------------------------------------------------------------ errors (each must throw its situation's class)

async function errorsUnknownRoute(client) {
  await client.get("/v1/conformance-unknown-route");
}

async function errorsWrongAuth(_client, s) {
  s.needsApiKey();
  // The 0.3.0 SDK has no withOptions(): an application makes a client with the other key.
  await makeClient(s, "errors.wrong-auth", "conformance-wrong-key").models.list();
}

const FLOWS = {
  "agents.create": agentsCreate,
  "agents.session-create": agentsSession,
  "agents.turn-stream": agentsTurnStream,
  "errors.unknown-id": errorsUnknownId,
  "errors.invalid-body": errorsInvalidBody,
  "errors.unknown-route": errorsUnknownRoute,
  "errors.unknown-model": errorsUnknownModel,
  "errors.no-auth": errorsNoAuth,
  "errors.wrong-auth": errorsWrongAuth,
};

main("llama-stack-client-node", VERSION, FLOWS, (settings, flow) => makeClient(settings, flow));
