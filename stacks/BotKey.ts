import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { keysArnPattern, logGroupArn, partitionOf, type Place } from "./arns.js";
import type { PolicyStatement } from "./BotRole.js";

export interface BotKeyProps {
  readonly place: Place;
  /** alias/<aliasName>: how policies and the plan name the key before it exists. */
  readonly aliasName: string;
  /** The log groups CloudWatch Logs may encrypt with it (their names, /aws/lambda/…). */
  readonly logGroupNames: readonly string[];
  /** Whether CloudWatch alarms publish to a topic encrypted with it. */
  readonly alarmTopic: boolean;
}

/** A service a function reaches the key through, and whether it writes (a data key) or only reads. */
export interface KeyUse {
  readonly service: "secretsmanager" | "dynamodb" | "sqs";
  readonly writes: boolean;
}

/**
 * The environment's one customer-managed KMS key, rotated yearly by KMS: it encrypts both secrets, the table, both
 * log groups, the edge's dead letters and the alarm topic (docs/architecture.md, "Encryption"). Its policy lets the
 * account administer it (which is what makes IAM policies count), CloudWatch Logs use it for these log groups only,
 * and CloudWatch alarms use it for the topic; the functions use it through their roles, only via the services that
 * hold their data (`roleStatement`).
 */
export class BotKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  /** alias/dooray-gpt-<env>: known at plan time. */
  readonly aliasName: string;
  readonly keyPolicy: readonly (PolicyStatement | ServicePolicyStatement)[];
  private readonly place: Place;

  constructor(scope: Construct, id: string, props: BotKeyProps) {
    super(scope, id);
    this.place = props.place;
    this.aliasName = `alias/${props.aliasName}`;
    const partition = partitionOf(props.place.region);
    this.keyPolicy = [
      // The key policy is the key's only gate: without this, no IAM policy of the account could grant its use.
      {
        Sid: "AccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${props.place.accountId}:root` },
        Action: ["kms:*"],
        Resource: ["*"],
      },
      {
        Sid: "CloudWatchLogsEncryptsTheBotsLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${props.place.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: ["*"],
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": props.logGroupNames.map((name) => logGroupArn(props.place, name)) } },
      },
      ...(props.alarmTopic
        ? [
            {
              // The AWS-managed aws/sns key cannot be used by alarms; this one can, for this account's alarms only.
              Sid: "CloudWatchAlarmsPublishToTheTopic",
              Effect: "Allow" as const,
              Principal: { Service: "cloudwatch.amazonaws.com" },
              Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
              Resource: ["*"],
              Condition: { StringEquals: { "aws:SourceAccount": [props.place.accountId] } },
            },
          ]
        : []),
    ];
    this.key = new KmsKey(this, "key", {
      description: `dooray-gpt ${props.aliasName}: secrets, table, logs, dead letters, alarm topic`,
      // Yearly, KMS's default period.
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: this.keyPolicy }),
    });
    this.alias = new KmsAlias(this, "alias", { name: this.aliasName, targetKeyId: this.key.keyId });
  }

  /**
   * A role's use of the key: decrypt (and, where it writes, make data keys) only when the request comes through one
   * of the services it uses, and only for this key. The key's ARN is known after apply only, so the statement names
   * the account's keys and narrows them by this key's alias: the plan shows the whole statement.
   */
  roleStatement(sid: string, uses: readonly KeyUse[]): PolicyStatement {
    const writes = uses.some((use) => use.writes);
    return {
      Sid: sid,
      Effect: "Allow",
      Action: writes ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
      Resource: [keysArnPattern(this.place)],
      Condition: {
        StringEquals: { "kms:ViaService": uses.map((use) => `${use.service}.${this.place.region}.amazonaws.com`) },
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": [this.aliasName] },
      },
    };
  }
}

/** A key policy statement: like a role's, with the principal it is for. */
export interface ServicePolicyStatement extends Omit<PolicyStatement, "Effect"> {
  readonly Effect: "Allow";
  readonly Principal: { readonly AWS?: string; readonly Service?: string };
}
