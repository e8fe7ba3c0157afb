import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn, Op, Token, type TerraformVariable } from "cdktf";
import { Construct } from "constructs";

/** One secret's value, as Terraform variables: the write-only value and the version that drives it. */
export interface SecretInput {
  /** Ephemeral, sensitive string: reaches AWS without entering state or plan. */
  readonly value: TerraformVariable;
  /** 0 = value managed out of band (put-secret-value); raise it to write a new value. */
  readonly version: TerraformVariable;
}

export interface BotSecretsProps {
  /** Prefix of both secret names, e.g. dooray-gpt/prod. */
  readonly namePrefix: string;
  readonly openaiApiKey: SecretInput;
  readonly doorayAppToken: SecretInput;
}

/** The OpenAI API key and the Dooray app token, each in its own secret (DESIGN §5). */
export class BotSecrets extends Construct {
  readonly openaiApiKey: SecretsmanagerSecret;
  readonly doorayAppToken: SecretsmanagerSecret;
  /** Known at plan time, so policies and environments can name them. */
  readonly names: { readonly openaiApiKey: string; readonly doorayAppToken: string };

  constructor(scope: Construct, id: string, props: BotSecretsProps) {
    super(scope, id);
    this.names = { openaiApiKey: `${props.namePrefix}/openai-api-key`, doorayAppToken: `${props.namePrefix}/dooray-app-token` };
    this.openaiApiKey = this.secret("openai_api_key", this.names.openaiApiKey, "OpenAI (or compatible) API key for dooray-gpt", props.openaiApiKey);
    this.doorayAppToken = this.secret("dooray_app_token", this.names.doorayAppToken, "Dooray app token that slash-command requests must carry", props.doorayAppToken);
  }

  private secret(id: string, name: string, description: string, input: SecretInput): SecretsmanagerSecret {
    const secret = new SecretsmanagerSecret(this, id, { name, description, recoveryWindowInDays: 7 });
    // count, not a conditional value: an ephemeral variable may not drive count, a plain number may (DESIGN §5).
    new SecretsmanagerSecretVersion(this, `${id}_version`, {
      count: Token.asNumber(Fn.conditional(Op.gte(input.version.numberValue, 1), 1, 0)),
      secretId: secret.id,
      secretStringWo: input.value.stringValue,
      secretStringWoVersion: input.version.numberValue,
    });
    return secret;
  }
}
