// Flows written once for the Node SDKs whose surface is the same here (openai and llama-stack-client:
// client.responses.retrieve, client.chat.completions.create, request options with headers), the Node
// mirror of common_flows.py. Imports nothing of ours but the harness beside it.
"use strict";

const { PROMPT, UNKNOWN_MODEL } = require("./flow_harness.cjs");

async function errorsUnknownId(client) {
  await client.responses.retrieve("resp_conformance_unknown");
}

async function errorsInvalidBody(client, s) {
  await client.chat.completions.create({ model: s.chat_model, messages: "not a list of messages" });
}

async function errorsUnknownModel(client) {
  await client.chat.completions.create({ model: UNKNOWN_MODEL, messages: [{ role: "user", content: PROMPT }] });
}

async function errorsNoAuth(client, s) {
  s.needsApiKey();
  await client.models.list({ headers: { Authorization: null } }); // null: the header is not sent
}

module.exports = { errorsUnknownId, errorsInvalidBody, errorsUnknownModel, errorsNoAuth };
