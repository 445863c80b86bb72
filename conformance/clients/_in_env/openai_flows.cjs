// Flows written against the official `openai` Node SDK, run by node with NODE_PATH at the SDK
// environment's node_modules (so `require("openai")` is the pinned SDK). Imports nothing of ours but
// the harness beside it (settings, what is printed, how error flows are judged):
//
//   node openai_flows.cjs < SETTINGS_JSON
"use strict";

const { OpenAI } = require("openai");
const { VERSION } = require("openai/version");
const {
  PROMPT, TAG_HEADER, TOOL_NAME, TOOL_PROMPT, WEATHER_PARAMETERS, expect, main,
} = require("./flow_harness.cjs");
const { errorsUnknownId, errorsInvalidBody, errorsUnknownModel, errorsNoAuth } = require("./common_flows.cjs");

const WEATHER_TOOL = {
  type: "function",
  function: { name: TOOL_NAME, description: "The current weather in a city.", parameters: WEATHER_PARAMETERS },
};

function makeClient(settings, flow) {
  return new OpenAI({
    baseURL: settings.base_url,
    apiKey: settings.api_key,
    defaultHeaders: { ...settings.headers, [TAG_HEADER]: flow },
    timeout: settings.timeout_s * 1000,
    maxRetries: 0, // a retry would hide what the server did the first time
  });
}

// ------------------------------------------------------------------ chat completions

async function chatCreate(client, s) {
  const completion = await client.chat.completions.create({
    model: s.chat_model, messages: [{ role: "user", content: PROMPT }],
  });
  expect(Array.isArray(completion.choices) && completion.choices.length > 0, "the completion has no choices");
  expect(typeof completion.choices[0].message.content === "string", "choices[0].message.content is not text");
}

async function chatStream(client, s) {
  const stream = await client.chat.completions.create({
    model: s.chat_model, messages: [{ role: "user", content: PROMPT }], stream: true,
  });
  let text = "";
  for await (const chunk of stream) {
    for (const choice of chunk.choices) text += (choice.delta && choice.delta.content) || "";
  }
  expect(text.length > 0, "the stream's deltas carry no text");
}

async function chatStreamHelperTools(client, s) {
  const stream = client.chat.completions.stream({
    model: s.chat_model, messages: [{ role: "user", content: TOOL_PROMPT }], tools: [WEATHER_TOOL],
  });
  for await (const _chunk of stream) {
    // an application reads the chunks (or listens for events) before asking for the final completion
  }
  const completion = await stream.finalChatCompletion();
  const calls = completion.choices[0].message.tool_calls || [];
  expect(calls.length > 0, "the final completion has no tool call (the prompt names the only tool offered)");
  expect(calls[0].function.name === TOOL_NAME, `the tool call names ${JSON.stringify(calls[0].function.name)}, not "${TOOL_NAME}"`);
  JSON.parse(calls[0].function.arguments);
}

// ------------------------------------------------------------------ responses

async function responsesCreate(client, s) {
  const response = await client.responses.create({ model: s.chat_model, input: PROMPT });
  expect(typeof response.id === "string" && response.id.length > 0, "the response has no id");
  expect(Boolean(response.output_text), "response.output_text is empty");
}

async function responsesStream(client, s) {
  const stream = await client.responses.create({ model: s.chat_model, input: PROMPT, stream: true });
  const kinds = [];
  for await (const event of stream) kinds.push(event.type);
  expect(kinds.includes("response.completed"), `no response.completed event (saw ${kinds.slice(0, 8).join(", ") || "none"})`);
}

async function responsesStreamHelper(client, s) {
  const stream = client.responses.stream({ model: s.chat_model, input: PROMPT });
  for await (const _event of stream) {
    // read every event, as an application rendering the deltas does
  }
  const response = await stream.finalResponse();
  expect(Boolean(response.output_text), "the final response's output_text is empty");
}

// ------------------------------------------------------------------ errors (each must throw its situation's class)

async function errorsUnknownRoute(client) {
  await client.get("/conformance-unknown-route");
}

async function errorsWrongAuth(client, s) {
  s.needsApiKey();
  await client.withOptions({ apiKey: "conformance-wrong-key" }).models.list();
}

const FLOWS = {
  "chat.create": chatCreate,
  "chat.stream": chatStream,
  "chat.stream-helper-tools": chatStreamHelperTools,
  "responses.create": responsesCreate,
  "responses.stream": responsesStream,
  "responses.stream-helper": responsesStreamHelper,
  "errors.unknown-id": errorsUnknownId,
  "errors.invalid-body": errorsInvalidBody,
  "errors.unknown-route": errorsUnknownRoute,
  "errors.unknown-model": errorsUnknownModel,
  "errors.no-auth": errorsNoAuth,
  "errors.wrong-auth": errorsWrongAuth,
};

main("openai-node", VERSION, FLOWS, makeClient);
