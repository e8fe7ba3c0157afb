import { LambdaLayerVersion } from "@cdktf/provider-aws/lib/lambda-layer-version";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { openaiLayerFiles } from "./assets/buildOpenAILayer.js";
import { zipAsset } from "./assets/zipAsset.js";
import type { CodeSigning } from "./CodeSigning.js";

export interface OpenAILayerProps {
  readonly layerName: string;
  /** On: the layer reaches Lambda signed, through S3 (a code-signing config checks layers too). */
  readonly codeSigning?: CodeSigning | undefined;
}

/** The `openai` SDK for the worker path, at nodejs/node_modules (on the runtime's NODE_PATH), built from the lockfile. */
export class OpenAILayer extends Construct {
  readonly layer: LambdaLayerVersion;

  constructor(scope: Construct, id: string, props: OpenAILayerProps) {
    super(scope, id);
    const asset = zipAsset(this, "openai_layer", openaiLayerFiles());
    const signed = props.codeSigning?.sign(this, asset, props.layerName);
    this.layer = new LambdaLayerVersion(this, "layer", {
      layerName: props.layerName,
      description: "openai SDK, pre-bundled (dooray-gpt worker path)",
      ...(signed ? { s3Bucket: signed.s3Bucket, s3Key: signed.s3Key } : { filename: asset.path, sourceCodeHash: Fn.filebase64sha256(asset.path) }),
      compatibleRuntimes: ["nodejs22.x"],
      compatibleArchitectures: ["arm64"],
    });
  }
}
