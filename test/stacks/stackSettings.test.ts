import { describe, expect, it } from "vitest";
import { parseEnvironments, StackConfigError } from "../../stacks/config.js";
import { ACCOUNT, REGION } from "../support/stackSynth.js";

describe("stack configuration", () => {
  it("gives every environment its own stack, names and sizes, with defaults", () => {
    const envs = parseEnvironments({ dev: { accountId: ACCOUNT }, prod: { accountId: ACCOUNT, worker: { memoryMb: 512 } } });
    expect(envs.map((env) => [env.name, env.edge, env.worker, env.region])).toEqual([
      [
        "dev",
        { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 10 },
        { memoryMb: 256, timeoutSeconds: 120, reservedConcurrency: 5, maxEventAgeSeconds: 300 },
        REGION,
      ],
      [
        "prod",
        { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 10 },
        { memoryMb: 512, timeoutSeconds: 120, reservedConcurrency: 5, maxEventAgeSeconds: 300 },
        REGION,
      ],
    ]);
  });

  it.each([
    [{ dev: {} }, "environments.dev.accountId: required (the 12-digit AWS account id to deploy to)"],
    [{ dev: { accountId: "12345678901" } }, "environments.dev.accountId: expected the 12-digit AWS account id"],
    [{ dev: { accountId: 123456789012 } }, "environments.dev.accountId: expected the 12-digit AWS account id"],
    [
      { dev: { accountId: ACCOUNT, memoryMb: 256 } },
      "environments.dev.memoryMb: the edge and the worker are sized apart; set edge.memoryMb and worker.memoryMb",
    ],
    [{ dev: { accountId: ACCOUNT, edge: { memoryMb: 64 } } }, "environments.dev.edge.memoryMb: expected a whole number from 128 to 3008, got 64"],
    [{ dev: { accountId: ACCOUNT, edge: { timeoutSeconds: 120 } } }, "environments.dev.edge.timeoutSeconds: expected a whole number from 5 to 60, got 120"],
    [
      { dev: { accountId: ACCOUNT, edge: { maxEventAgeSeconds: 60 } } },
      "environments.dev.edge.maxEventAgeSeconds: unknown setting; allowed: memoryMb, timeoutSeconds, reservedConcurrency",
    ],
    [
      { dev: { accountId: ACCOUNT, worker: { reservedConcurrency: 0 } } },
      "environments.dev.worker.reservedConcurrency: expected a whole number from 1 to 1000, got 0",
    ],
    [
      { dev: { accountId: ACCOUNT, worker: { maxEventAgeSeconds: 30 } } },
      "environments.dev.worker.maxEventAgeSeconds: expected a whole number from 60 to 21600, got 30",
    ],
    [
      { dev: { accountId: ACCOUNT, worker: { timeoutSeconds: 1000 } } },
      "environments.dev.worker.timeoutSeconds: expected a whole number from 30 to 900, got 1000",
    ],
    [{ dev: { accountId: ACCOUNT, worker: 5 } }, "environments.dev.worker: expected an object with memoryMb"],
    [{ dev: { accountId: ACCOUNT, logRetentionDays: 10 } }, "environments.dev.logRetentionDays: CloudWatch allows 1, 3, 5"],
    [{ dev: { accountId: ACCOUNT, region: "seoul" } }, "environments.dev.region: expected an AWS region such as ap-northeast-2"],
    [{ dev: { accountId: ACCOUNT, memorySize: 256 } }, "environments.dev.memorySize: unknown setting"],
    [{ Prod: {} }, "environments.Prod: an environment name is"],
    [{ dev: { accountId: ACCOUNT, responseUrlHosts: ["*"] } }, 'environments.dev.responseUrlHosts: "*" is not valid here; expected a list of hostnames'],
    [{ dev: { accountId: ACCOUNT, backend: { bucket: "b", region: REGION } } }, "environments.dev.backend.bucket: expected an S3 bucket name"],
    [{ dev: { accountId: ACCOUNT, backend: { bucket: "acme-state", region: REGION, lock: "dynamodb" } } }, "environments.dev.backend.dynamodbTable: required"],
    [
      { dev: { accountId: ACCOUNT, budgets: { userDailyTokens: 3000 } } },
      "environments.dev.budgets.userDailyTokens: 3000 holds less than two answers of maxOutputTokens (2000); use 0 for unlimited or at least 4000",
    ],
    [{ dev: { accountId: ACCOUNT, budgets: { channelDailyTokens: -1 } } }, "environments.dev.budgets.channelDailyTokens: expected a whole number from 0 to"],
    [
      { dev: { accountId: ACCOUNT, budgets: { timeZone: "Asia/Sejong" } } },
      'environments.dev.budgets.timeZone: "Asia/Sejong" is not a time zone Node.js knows',
    ],
    [
      { dev: { accountId: ACCOUNT, budgets: { daily: 5 } } },
      "environments.dev.budgets.daily: unknown setting; allowed: userDailyTokens, channelDailyTokens, totalDailyTokens, timeZone",
    ],
    [{ dev: { accountId: ACCOUNT, table: { deletionProtection: "yes" } } }, "environments.dev.table.deletionProtection: expected true or false"],
    [
      { dev: { accountId: ACCOUNT, alarms: { emails: ["ops@example.com", "ops"] } } },
      'environments.dev.alarms.emails: "ops" is not valid here; expected a list of e-mail addresses',
    ],
    [{ dev: { accountId: ACCOUNT, alarms: { emails: "ops@example.com" } } }, "environments.dev.alarms.emails: expected a list of e-mail addresses"],
    [{ dev: { accountId: ACCOUNT, modelPrice: { inputPerMillionTokens: "0.4" } } }, "environments.dev.modelPrice.inputPerMillionTokens: expected US dollars"],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { systemPrompt: "x" } } } },
      "environments.dev.channels: channel 123.name: expected text of 1 to 40 characters",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "리뷰", persona: "x" } } } },
      "environments.dev.channels: channel 123.persona: unknown setting; allowed: name, systemPrompt, model, budgets",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "리뷰", model: "gpt 4" } } } },
      "environments.dev.channels: channel 123.model: a model name has no spaces",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "리뷰", budgets: { channelDailyTokens: 100 } } } } },
      "environments.dev.channels.123.budgets.channelDailyTokens: 100 holds less than two answers",
    ],
    [{ dev: { accountId: ACCOUNT, channels: { "#general": { name: "잡담" } } } }, "environments.dev.channels: channel #general: a Dooray channel id is digits"],
    [{ dev: { accountId: ACCOUNT, channels: { abc: { name: "잡담" } } } }, "environments.dev.channels: channel abc: a Dooray channel id is digits"],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: { projects: [3570526358279081523] } } } } },
      "environments.dev.channels: channel 123.dooray.projects: 3570526358279081500 is not a Dooray id; write ids as strings of digits",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: { wikis: ["wiki"] } } } } },
      'environments.dev.channels: channel 123.dooray.wikis: "wiki" is not a Dooray id',
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: { drives: ["1"] } } } } },
      "environments.dev.channels: channel 123.dooray.drives: unknown setting; allowed: projects, wikis, taskProject",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: {} } } } },
      "environments.dev.channels: channel 123.dooray: names no project, wiki or taskProject; leave it out instead",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: { taskProject: "1" } } } } },
      "environments.dev.channels.123.dooray: this channel creates tasks, which needs the bot account's API token: set environments.dev.doorayApi",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: { projects: ["1"] } } } } },
      "environments.dev.channels.123.dooray: this channel reads Dooray, which needs the bot account's API token",
    ],
    [
      { dev: { accountId: ACCOUNT, doorayApi: { url: "http://api.dooray.com" } } },
      "environments.dev.doorayApi.url: expected an https URL of Dooray's REST API",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: JSON.parse('{"__proto__": {"name": "잡담"}}') } },
      "environments.dev.channels: channel __proto__: a Dooray channel id is digits",
    ],
    [
      {
        dev: {
          accountId: ACCOUNT,
          maxOutputTokens: 16,
          channels: { "555": { name: "긴 지침", systemPrompt: "가".repeat(10), budgets: { channelDailyTokens: 40 } } },
        },
      },
      "environments.dev.channels.555.budgets.channelDailyTokens: 40 cannot hold one answer in channel 555: its system prompt (up to 38 tokens) and maxOutputTokens (16) need 62 before any question; use 0 for unlimited or more than 62",
    ],
    [
      {
        dev: {
          accountId: ACCOUNT,
          maxOutputTokens: 16,
          budgets: { userDailyTokens: 40 },
          channels: { "555": { name: "긴 지침", systemPrompt: "가".repeat(10) } },
        },
      },
      "environments.dev.budgets.userDailyTokens: 40 cannot hold one answer in channel 555: its system prompt (up to 38 tokens) and maxOutputTokens (16) need 62 before any question; use 0 for unlimited or more than 62",
    ],
    [{}, "environments: expected an object with at least one environment"],
  ])("refuses %j, naming the setting", (raw, message) => {
    expect(() => parseEnvironments(raw)).toThrowError(StackConfigError);
    expect(() => parseEnvironments(raw)).toThrowError(message);
  });
});
