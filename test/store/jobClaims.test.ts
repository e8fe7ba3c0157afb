import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { claimJob } from "../../handler/store/jobClaims.js";
import { JOB_CLAIM_KEEP_SECONDS } from "../../handler/store/tableKeys.js";

/** Idempotency against a real DynamoDB API: the conditional put is what stops a second delivery. */
describe("job claims", () => {
  let table: LocalTable;
  beforeAll(async () => void (table = await startLocalTable()));
  afterAll(() => table.close());

  it("lets the first delivery claim a job and stops every other, however many race", async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, (_, index) => claimJob(table, "job-race", `delivery-${index}`, 1_000)));
    expect(claims.filter((claim) => claim === "claimed")).toHaveLength(1);
    expect(claims.filter((claim) => claim === "claimedElsewhere")).toHaveLength(7);
  });

  it("counts the same delivery's retried write as its own claim", async () => {
    expect(await claimJob(table, "job-retry", "delivery-a", 1_000)).toBe("claimed");
    expect(await claimJob(table, "job-retry", "delivery-a", 1_000)).toBe("claimed");
    expect(await claimJob(table, "job-retry", "delivery-b", 1_000)).toBe("claimedElsewhere");
  });

  it("keeps the claim a day, then lets TTL remove it", async () => {
    await claimJob(table, "job-ttl", "delivery-a", 1_000);
    const row = await table.call("GetItem", { TableName: table.table, Key: { pk: { S: "job#job-ttl" } } });
    expect(row.Item).toEqual({
      pk: { S: "job#job-ttl" },
      owner: { S: "delivery-a" },
      claimedAt: { N: "1000" },
      expiresAt: { N: String(1_000 + JOB_CLAIM_KEEP_SECONDS) },
    });
  });
});
