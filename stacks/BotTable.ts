import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import { tableArn, type Place } from "./arns.js";
import type { BotKey } from "./BotKey.js";
import type { TableSettings } from "./config.js";
import { PARTITION_KEY, TTL_ATTRIBUTE } from "../handler/store/tableKeys.js";

export interface BotTableProps {
  readonly place: Place;
  readonly tableName: string;
  readonly settings: TableSettings;
  /** Rows are encrypted with the environment's key. */
  readonly key: BotKey;
}

/**
 * The bot's one DynamoDB table: daily usage rows and job claims (docs/architecture.md, "The table"). On-demand,
 * so an idle bot costs nothing and a busy one needs no capacity planning; every row expires through TTL.
 */
export class BotTable extends Construct {
  readonly table: DynamodbTable;
  /** Known at plan time, for the roles' statements. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: BotTableProps) {
    super(scope, id);
    this.arn = tableArn(props.place, props.tableName);
    this.table = new DynamodbTable(this, "table", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: PARTITION_KEY,
      attribute: [{ name: PARTITION_KEY, type: "S" }],
      ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
      pointInTimeRecovery: { enabled: props.settings.pointInTimeRecovery },
      deletionProtectionEnabled: props.settings.deletionProtection,
      serverSideEncryption: { enabled: true, kmsKeyArn: props.key.key.arn },
    });
  }
}
