import { LambdaLayerVersion } from "@cdktf/provider-aws/lib/lambda-layer-version";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { openaiLayerFiles } from "./assets/buildOpenAILayer.js";
import { zipAsset } from "./assets/zipAsset.js";

export interface OpenAILayerProps {
  readonly layerName: string;
}

/** The `openai` SDK for the worker path, at nodejs/node_modules (on the runtime's NODE_PATH), built from the lockfile. */
export class OpenAILayer extends Construct {
  readonly layer: LambdaLayerVersion;

  constructor(scope: Construct, id: string, props: OpenAILayerProps) {
    super(scope, id);
    const asset = zipAsset(this, "openai_layer", openaiLayerFiles());
    this.layer = new LambdaLayerVersion(this, "layer", {
      layerName: props.layerName,
      description: "openai SDK, pre-bundled (dooray-gpt worker path)",
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      compatibleRuntimes: ["nodejs22.x"],
      compatibleArchitectures: ["arm64"],
    });
  }
}
