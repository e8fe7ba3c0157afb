import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Construct } from "constructs";
import { queueArn, type Place } from "./arns.js";
import type { BotKey } from "./BotKey.js";

/**
 * A failure record holds the question (the signed job), and the edge tells the person only while the record is
 * younger than FAILED_JOB_MAX_AGE_SECONDS (about an hour): a day is time enough to read and replay one, and no more
 * company text is kept than that.
 */
export const EDGE_DEAD_LETTER_RETENTION_SECONDS = 86_400;

export interface EdgeDeadLettersProps {
  readonly place: Place;
  readonly queueName: string;
  readonly key: BotKey;
}

/**
 * The edge's dead letters: a failure record the edge could not process after Lambda's 2 retries (Dooray down, the
 * app token unreadable) lands here instead of being lost, encrypted with the environment's key, with an alarm on
 * its depth (docs/operations.md, "Dead letters").
 */
export class EdgeDeadLetters extends Construct {
  readonly queue: SqsQueue;
  /** Known at plan time, for the edge's statement and its dead-letter config. */
  readonly arn: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: EdgeDeadLettersProps) {
    super(scope, id);
    this.name = props.queueName;
    this.arn = queueArn(props.place, props.queueName);
    this.queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      messageRetentionSeconds: EDGE_DEAD_LETTER_RETENTION_SECONDS,
      kmsMasterKeyId: props.key.aliasName,
      dependsOn: [props.key.alias],
    });
  }
}
