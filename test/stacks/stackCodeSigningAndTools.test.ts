import { describe, expect, it } from "vitest";
import { parseEnvironments } from "../../stacks/config.js";
import { ACCOUNT, REGION, addressOf, named, only, policyOf, resources, synth, type Json } from "../support/stackSynth.js";

describe("code signing in the stack", () => {
  const ref = (json: Json, type: string, resource: Json, attribute: string) => `\${${addressOf(json, type, resource)}.${attribute}}`;

  it("with codeSigning, signs the two bundles and the layer in S3 with a Signer profile, and lets the functions run only its code", () => {
    const { json } = synth({ codeSigning: true });
    const profile = only(json, "aws_signer_signing_profile");
    expect(profile).toMatchObject({ name: "dooray_gpt_test", platform_id: "AWSLambda-SHA384-ECDSA" });
    const config = only(json, "aws_lambda_code_signing_config");
    expect(config.allowed_publishers).toEqual({ signing_profile_version_arns: [ref(json, "aws_signer_signing_profile", profile, "version_arn")] });
    expect(config.policies).toEqual({ untrusted_artifact_on_deployment: "Enforce" });
    const bucket = only(json, "aws_s3_bucket");
    expect(bucket.bucket).toBe(`dooray-gpt-test-code-${ACCOUNT}`);
    const bucketId = ref(json, "aws_s3_bucket", bucket, "id");

    const jobs = resources(json, "aws_signer_signing_job");
    const uploads = resources(json, "aws_s3_object");
    expect(uploads.map((upload) => upload.key).sort()).toEqual([
      "unsigned/dooray-gpt-test-edge.zip",
      "unsigned/dooray-gpt-test-openai.zip",
      "unsigned/dooray-gpt-test-worker.zip",
    ]);
    const signedKeyOf = (name: string) => {
      const upload = uploads.find((candidate) => candidate.key === `unsigned/${name}.zip`)!;
      expect(upload.bucket).toBe(bucketId);
      // A changed bundle changes its hash, so its upload, its signing job and the signed key.
      expect(upload.source_hash).toMatch(/^\$\{filemd5\(/);
      const job = jobs.find((candidate) => candidate.source.s3.key === ref(json, "aws_s3_object", upload, "key"))!;
      expect(job).toMatchObject({ profile_name: ref(json, "aws_signer_signing_profile", profile, "name"), ignore_signing_job_failure: false });
      expect(job.source.s3).toMatchObject({ bucket: bucketId, version: ref(json, "aws_s3_object", upload, "version_id") });
      expect(job.destination.s3).toEqual({ bucket: bucketId, prefix: `signed/${name}/` });
      return `\${${addressOf(json, "aws_signer_signing_job", job)}.signed_object[0].s3[0].key}`;
    };
    for (const name of ["dooray-gpt-test-edge", "dooray-gpt-test-worker"]) {
      const fn = named(json, "aws_lambda_function", "function_name", name);
      expect(fn).toMatchObject({
        s3_bucket: bucketId,
        s3_key: signedKeyOf(name),
        code_signing_config_arn: ref(json, "aws_lambda_code_signing_config", config, "arn"),
      });
      expect(fn.filename).toBeUndefined();
      expect(fn.source_code_hash).toBeUndefined();
    }
    const layer = only(json, "aws_lambda_layer_version");
    expect(layer).toMatchObject({ s3_bucket: bucketId, s3_key: signedKeyOf("dooray-gpt-test-openai") });
    expect(layer.filename).toBeUndefined();

    // The bucket: versioned (a job signs one version), on the environment's key, private, TLS only, replaced copies expire.
    expect(only(json, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(only(json, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: ref(json, "aws_kms_key", only(json, "aws_kms_key"), "arn") },
        bucket_key_enabled: true,
      },
    ]);
    expect(only(json, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(json, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(only(json, "aws_s3_bucket_lifecycle_configuration").rule[0]).toMatchObject({
      status: "Enabled",
      noncurrent_version_expiration: [{ noncurrent_days: 30 }],
    });
    const tls = JSON.parse(only(json, "aws_s3_bucket_policy").policy as string) as { Statement: Json[] };
    expect(tls.Statement).toEqual([expect.objectContaining({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
  });
});

describe("Dooray tools in the stack", () => {
  const channels = {
    "1111111111111111111": {
      name: "플랫폼",
      dooray: { projects: ["3570526358279081523"], wikis: ["3570526358279081999"], taskProject: "3570526358279081523" },
    },
    "2222222222222222222": { name: "잡담" },
  };

  it("gives only the worker the bot account's token, in a secret of its own on the key, with the REST host", () => {
    const { json } = synth({ channels, doorayApi: {} });
    const secret = named(json, "aws_secretsmanager_secret", "name", "dooray-gpt/test/dooray-api-token");
    expect(secret).toMatchObject({ kms_key_id: "alias/dooray-gpt-test", recovery_window_in_days: 7 });
    const tokenArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:dooray-gpt/test/dooray-api-token-??????`;
    expect(policyOf(json, "dooray-gpt-test-worker").Statement.find((statement) => statement.Sid === "ReadDoorayApiToken")).toEqual({
      Sid: "ReadDoorayApiToken",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [tokenArn],
    });
    expect(JSON.stringify(policyOf(json, "dooray-gpt-test-edge"))).not.toContain("dooray-api-token");
    const worker = named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker");
    expect(worker.environment.variables).toMatchObject({
      DOORAY_API_URL: "https://api.dooray.com",
      DOORAY_API_TOKEN_SECRET_ID: "dooray-gpt/test/dooray-api-token",
    });
    expect(JSON.parse(worker.environment.variables.CHANNEL_PROFILES)["1111111111111111111"].dooray).toEqual(channels["1111111111111111111"].dooray);
    const edge = named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-edge");
    expect(edge.environment.variables.DOORAY_API_TOKEN_SECRET_ID).toBeUndefined();
    expect(json.output.dooray_api_token_secret_name.value).toBe("dooray-gpt/test/dooray-api-token");
  });

  it("tells the worker alone which hosts links may keep besides the tenant's (linkHosts), and refuses a pattern that is not a host", () => {
    const { json } = synth({ channels, doorayApi: {}, linkHosts: ["docs.example-corp.com", "*.example-corp.net"] });
    expect(named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker").environment.variables.LINK_HOSTS).toBe(
      "docs.example-corp.com,*.example-corp.net",
    );
    expect(named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-edge").environment.variables.LINK_HOSTS).toBeUndefined();
    expect(() => parseEnvironments({ dev: { accountId: ACCOUNT, linkHosts: ["https://x.example/"] } })).toThrow(/linkHosts/);
  });

  it("tells the worker the personal-data guard's default only when it is not mask, and a channel's own in its profile", () => {
    const { json } = synth({ personalData: "block", channels: { "1111111111111111111": { name: "내부", personalData: "allow" } } });
    const worker = named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker").environment.variables;
    expect(worker.PERSONAL_DATA).toBe("block");
    expect(JSON.parse(worker.CHANNEL_PROFILES)["1111111111111111111"].personalData).toBe("allow");
    expect(named(synth({}).json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker").environment.variables.PERSONAL_DATA).toBeUndefined();
    expect(() => parseEnvironments({ dev: { accountId: ACCOUNT, personalData: "off" } })).toThrow(/personalData/);
    expect(() => parseEnvironments({ dev: { accountId: ACCOUNT, channels: { "1": { name: "x", personalData: "none" } } } })).toThrow(
      /personalData: expected one of mask, block, allow/,
    );
  });

  it("has no token secret, statement or setting without doorayApi", () => {
    const { json } = synth({});
    expect(
      resources(json, "aws_secretsmanager_secret")
        .map((secret) => secret.name)
        .sort(),
    ).toEqual(["dooray-gpt/test/dooray-app-token", "dooray-gpt/test/openai-api-key"]);
    expect(JSON.stringify(json)).not.toMatch(/ReadDoorayApiToken|DOORAY_API_URL|dooray-api-token/);
  });
});
